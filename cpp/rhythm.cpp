// librosa.feature.tempogram's local autocorrelation and librosa.beat's dynamic program.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "parallel.hpp"
#include "recipes.hpp"

namespace genrefx {

void tempogram(const KernelTable& K, const float* padded, int64_t B, int64_t n_padded,
               int64_t n_frames, const double* window, int L, double* out, int n_threads) {
    if (L < 1 || n_frames < 0 || n_frames + L - 1 > n_padded) {
        throw std::invalid_argument("tempogram: frames exceed the padded envelope");
    }
    constexpr int64_t kFramesPerItem = 64;
    const int64_t per_signal = (n_frames + kFramesPerItem - 1) / kFramesPerItem;
    const int workers = worker_count(n_threads, B * per_signal);
    std::vector<std::vector<double>> x(workers, std::vector<double>(L)),
        ac(workers, std::vector<double>(L));
    const double tiny = std::numeric_limits<double>::min();
    parallel_items(B * per_signal, n_threads, [&](int64_t item, int worker) {
        const int64_t b = item / per_signal;
        const int64_t t0 = (item % per_signal) * kFramesPerItem;
        const int64_t t1 = std::min(n_frames, t0 + kFramesPerItem);
        double* xs = x[worker].data();
        double* a = ac[worker].data();
        double* dst = out + b * L * n_frames;
        for (int64_t t = t0; t < t1; ++t) {
            const float* f = padded + b * n_padded + t;
            for (int i = 0; i < L; ++i) xs[i] = static_cast<double>(f[i]) * window[i];
            K.autocorrelate(xs, L, a);
            // librosa.util.normalize(norm=inf, axis=lags): the largest |ac|, 1 below tiny
            double length = 0.0;
            for (int k = 0; k < L; ++k) length = std::max(length, std::fabs(a[k]));
            if (length < tiny) length = 1.0;
            for (int k = 0; k < L; ++k) dst[k * n_frames + t] = a[k] / length;
        }
    });
}

void beat_dp(const double* onset, int64_t n, double frames_per_beat, float tightness,
             double* localscore, int32_t* backlink, double* cumscore) {
    if (n < 1) return;
    if (!(frames_per_beat > 0)) throw std::invalid_argument("frames_per_beat must be positive");
    const double fpb = frames_per_beat;
    // __beat_local_score (static tempo): a same-mode convolution with a Gaussian window,
    // as librosa's loop writes it (onset[0] never enters, k < i + K / 2)
    const int64_t K = 2 * static_cast<int64_t>(fpb) + 1;
    std::vector<double> window(K);
    for (int64_t k = 0; k < K; ++k) {
        const double v = (static_cast<double>(k) - fpb) * 32.0 / fpb;
        window[k] = std::exp(-0.5 * (v * v));
    }
    const int64_t h = K / 2;
    for (int64_t i = 0; i < n; ++i) {
        double acc = 0.0;
        const int64_t k_lo = std::max<int64_t>(0, i + h - n + 1), k_hi = std::min(i + h, K);
        for (int64_t k = k_lo; k < k_hi; ++k) acc += window[k] * onset[i + h - k];
        localscore[i] = acc;
    }
    // __beat_track_dp
    double max_score = localscore[0];
    for (int64_t i = 1; i < n; ++i) max_score = std::max(max_score, localscore[i]);
    const double score_thresh = 0.01 * max_score;
    const double tight = static_cast<double>(tightness);
    const double log_fpb = std::log(fpb);
    const int64_t d_lo = static_cast<int64_t>(std::nearbyint(fpb / 2.0));  // np.round: half to even
    const int64_t d_hi = static_cast<int64_t>(2.0 * fpb);                  // loc >= i - 2 fpb
    // penalty per distance d = i - loc: tightness (log d - log fpb)^2, computed once per d
    std::vector<double> penalty(static_cast<size_t>(std::max<int64_t>(d_hi + 1, 1)), 0.0);
    for (int64_t d = std::max<int64_t>(d_lo, 1); d <= d_hi; ++d) {
        const double v = std::log(static_cast<double>(d)) - log_fpb;
        penalty[d] = tight * (v * v);
    }
    bool first_beat = true;
    backlink[0] = -1;
    cumscore[0] = localscore[0];
    for (int64_t i = 0; i < n; ++i) {
        double best = -std::numeric_limits<double>::infinity();
        int64_t where = -1;
        for (int64_t loc = i - d_lo; loc > i - d_hi - 1; --loc) {
            if (loc < 0) break;
            const int64_t d = i - loc;
            // d >= 1 here unless fpb < 1 rounds d_lo to 0 (librosa's log(0) = -inf then)
            const double pen = d >= 1 && d <= d_hi
                                   ? penalty[d]
                                   : tight * std::pow(std::log(static_cast<double>(d)) - log_fpb, 2.0);
            const double score = cumscore[loc] - pen;
            if (score > best) {
                best = score;
                where = loc;
            }
        }
        cumscore[i] = where >= 0 ? localscore[i] + best : localscore[i];
        if (first_beat && localscore[i] < score_thresh) {
            backlink[i] = -1;
        } else {
            backlink[i] = static_cast<int32_t>(where);
            first_beat = false;
        }
    }
}

}  // namespace genrefx
