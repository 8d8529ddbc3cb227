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
    // a power of two >= 2 L - 1 (the circular autocorrelation is then linear; power-of-two
    // chains measured faster than the smaller 5-smooth sizes)
    int64_t n_fft = 2;
    while (n_fft < 2 * static_cast<int64_t>(L) - 1) n_fft *= 2;
    const auto plan = RfftPlan::get(static_cast<int>(n_fft));
    const int W = K.lanes;
    constexpr int64_t kFramesPerItem = 128;
    const int64_t per_signal = (n_frames + kFramesPerItem - 1) / kFramesPerItem;
    const int workers = worker_count(n_threads, B * per_signal);
    const size_t work_size = 2 * static_cast<size_t>(plan->n_bins() + 1) * W + plan->work_floats(W);
    std::vector<std::vector<double>> work(workers), lanes(workers);
    parallel_items(B * per_signal, n_threads, [&](int64_t item, int worker) {
        if (work[worker].empty()) {
            work[worker].resize(work_size);
            lanes[worker].resize(static_cast<size_t>(L) * W);
        }
        const int64_t b = item / per_signal;
        const int64_t t_begin = (item % per_signal) * kFramesPerItem;
        const int64_t t_end = std::min(n_frames, t_begin + kFramesPerItem);
        double* dst = out + b * L * n_frames;
        const float* frames[64];
        for (int64_t t0 = t_begin; t0 < t_end; t0 += W) {
            const int n_valid = static_cast<int>(std::min<int64_t>(W, t_end - t0));
            for (int l = 0; l < W; ++l) frames[l] = padded + b * n_padded + t0 + std::min(l, n_valid - 1);
            K.autocorr_frames64(plan->view(), window, frames, L, n_valid, work[worker].data(),
                                lanes[worker].data());
            for (int k = 0; k < L; ++k) {
                const double* src = lanes[worker].data() + static_cast<size_t>(k) * W;
                double* d = dst + k * n_frames + t0;
                for (int l = 0; l < n_valid; ++l) d[l] = src[l];
            }
        }
    });
}

void tempogram_hann(const KernelTable& K, const float* padded, int64_t B, int64_t N,
                    int64_t n_frames, const double* window, int L, double* out, int n_threads) {
    if (L < 1 || n_frames < 0 || n_frames + L - 1 > N) {
        throw std::invalid_argument("tempogram: frames exceed the padded envelope");
    }
    if (n_frames == 0) return;
    // Frames run in blocks of R, each restarted exactly. A frame whose energy is tiny against
    // the block's (where the running sums' round-off, ~R eps of the block's scale, would show
    // after normalization) is recomputed through the exact float64 FFT kernel.
    constexpr int64_t R = 128;
    constexpr double kRelFloor = 1e-3;
    const size_t l = static_cast<size_t>(L);
    const double kPi = 3.14159265358979323846;
    const double theta = 2.0 * kPi / L;
    std::vector<double> tab(13 * l + 4);
    for (int k = 0; k < L; ++k) {
        const double ck = std::cos(theta * k), sk = std::sin(theta * k);
        tab[k] = 0.25 * (1.0 + 0.5 * ck);
        tab[l + k] = -0.25 * (1.0 + ck);
        tab[2 * l + k] = 0.25 * sk;
        tab[3 * l + k] = 0.125 * ck;
        tab[4 * l + k] = -0.125 * sk;
        tab[5 * l + k] = ck;
        tab[6 * l + k] = -sk;
        tab[7 * l + k] = std::cos(2.0 * theta * k);
        tab[8 * l + k] = -std::sin(2.0 * theta * k);
        tab[9 * l + k] = ck;
        tab[10 * l + k] = sk;
        tab[11 * l + k] = std::cos(2.0 * theta * k);
        tab[12 * l + k] = std::sin(2.0 * theta * k);
    }
    tab[13 * l] = std::cos(theta);
    tab[13 * l + 1] = -std::sin(theta);
    tab[13 * l + 2] = std::cos(2.0 * theta);
    tab[13 * l + 3] = -std::sin(2.0 * theta);
    std::vector<double> x(static_cast<size_t>(B * N)), xrev(x.size());
    for (int64_t i = 0; i < B * N; ++i) x[i] = static_cast<double>(padded[i]);
    for (int64_t b = 0; b < B; ++b) {
        for (int64_t i = 0; i < N; ++i) xrev[b * N + i] = x[b * N + N - 1 - i];
    }
    int64_t n_fft = 2;
    while (n_fft < 2 * static_cast<int64_t>(L) - 1) n_fft *= 2;
    const auto plan = RfftPlan::get(static_cast<int>(n_fft));
    const int W = K.lanes;
    const int64_t per_signal = (n_frames + R - 1) / R;
    const int workers = worker_count(n_threads, B * per_signal);
    struct Scratch {
        std::vector<double> st, rows, work, lanes;
    };
    std::vector<Scratch> scratch(workers);
    parallel_items(B * per_signal, n_threads, [&](int64_t item, int worker) {
        Scratch& sc = scratch[worker];
        if (sc.st.empty()) {
            sc.st.resize(5 * l);
            sc.rows.resize(static_cast<size_t>(R) * l);
        }
        const int64_t b = item / per_signal;
        const int64_t t0 = (item % per_signal) * R;
        const int64_t n = std::min(R, n_frames - t0);
        const double* xb = x.data() + b * N;
        K.hann_autocorr(xb, xrev.data() + b * N, N, L, t0, n, tab.data(), sc.st.data(),
                        sc.rows.data());
        double peak = 0.0;
        for (int64_t m = t0; m < t0 + n + L - 1; ++m) peak = std::max(peak, xb[m] * xb[m]);
        const double floor = kRelFloor * static_cast<double>(L) * peak;
        // frames to redo exactly, W at a time
        std::vector<int64_t> redo;
        for (int64_t s = 0; s < n; ++s) {
            if (sc.rows[static_cast<size_t>(s) * l] < floor) redo.push_back(s);
        }
        if (!redo.empty()) {
            if (sc.work.empty()) {
                sc.work.resize(2 * static_cast<size_t>(plan->n_bins() + 1) * W + plan->work_floats(W));
                sc.lanes.resize(l * W);
            }
            const float* frames[64];
            for (size_t r0 = 0; r0 < redo.size(); r0 += W) {
                const int n_valid = static_cast<int>(std::min<size_t>(W, redo.size() - r0));
                for (int j = 0; j < W; ++j) {
                    frames[j] = padded + b * N + t0 + redo[r0 + std::min(j, n_valid - 1)];
                }
                K.autocorr_frames64(plan->view(), window, frames, L, n_valid, sc.work.data(),
                                    sc.lanes.data());
                for (int j = 0; j < n_valid; ++j) {
                    double* row = sc.rows.data() + static_cast<size_t>(redo[r0 + j]) * l;
                    for (int k = 0; k < L; ++k) row[k] = sc.lanes[static_cast<size_t>(k) * W + j];
                }
            }
        }
        // librosa.util.normalize(norm=inf) over the lags (the redone rows are normalized
        // already: their maximum is exactly 1, so this leaves them as they are), then
        // out[b][k][t], eight frames at a time
        K.normalize_rows(sc.rows.data(), n, L);
        double* dst = out + b * L * n_frames + t0;
        int64_t s0 = 0;
        for (; s0 + 8 <= n; s0 += 8) {
            const double* r = sc.rows.data() + static_cast<size_t>(s0) * l;
            for (int k = 0; k < L; ++k) {
                double* d = dst + static_cast<int64_t>(k) * n_frames + s0;
                for (int j = 0; j < 8; ++j) d[j] = r[static_cast<size_t>(j) * l + k];
            }
        }
        for (; s0 < n; ++s0) {
            for (int k = 0; k < L; ++k) {
                dst[static_cast<int64_t>(k) * n_frames + s0] = sc.rows[static_cast<size_t>(s0) * l + k];
            }
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

void median_rows(const float* x, int64_t rows, int64_t cols, float* out, int n_threads) {
    if (rows < 1) throw std::invalid_argument("median_rows: no rows");
    constexpr int64_t kColsPerItem = 256;
    const int64_t n_items = (cols + kColsPerItem - 1) / kColsPerItem;
    const int workers = worker_count(n_threads, n_items);
    std::vector<std::vector<float>> scratch(workers, std::vector<float>(static_cast<size_t>(rows)));
    parallel_items(n_items, n_threads, [&](int64_t item, int worker) {
        std::vector<float>& v = scratch[worker];
        const int64_t c1 = std::min(cols, (item + 1) * kColsPerItem);
        for (int64_t c = item * kColsPerItem; c < c1; ++c) {
            for (int64_t r = 0; r < rows; ++r) v[r] = x[r * cols + c];
            // np.median: the middle element, or the float32 mean of the two middle ones
            const size_t mid = static_cast<size_t>(rows / 2);
            std::nth_element(v.begin(), v.begin() + mid, v.end());
            const float hi = v[mid];
            out[c] = rows % 2 == 1 ? hi : (*std::max_element(v.begin(), v.begin() + mid) + hi) / 2.0f;
        }
    });
}

}  // namespace genrefx

