// librosa.istft: blocks of W frames through the kernels' inverse real FFT (times the synthesis
// window), overlap-added into the output, then divided by the window sum-square envelope.
//
// Work items are runs of frames of one signal, so one long signal also spreads over threads.
// Frames of neighbouring items overlap in n_fft - hop samples: an item adds its first
// n_fft - hop output samples into a private head buffer, added to the output after the join.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "parallel.hpp"
#include "recipes.hpp"

namespace genrefx {

namespace {

constexpr int64_t kFramesPerItem = 256;

template <typename T>
void irfft_call(const KernelTable& K, const RfftView& f, const T* window, const T* const* bins,
                int n_valid, T* work, T* out, size_t stride);
template <>
void irfft_call<float>(const KernelTable& K, const RfftView& f, const float* window,
                       const float* const* bins, int n_valid, float* work, float* out,
                       size_t stride) {
    K.irfft_frames(f, window, bins, n_valid, work, out, stride);
}
template <>
void irfft_call<double>(const KernelTable& K, const RfftView& f, const double* window,
                        const double* const* bins, int n_valid, double* work, double* out,
                        size_t stride) {
    K.irfft_frames64(f, window, bins, n_valid, work, out, stride);
}

// The window sum-square envelope at overlap-added index g (librosa.filters.window_sumsquare):
// interior samples (covered by every frame that could cover them) are periodic in hop.
class WindowSumSquare {
public:
    WindowSumSquare(const double* window, int n_fft, int hop, int64_t n_frames)
        : n_fft_(n_fft), hop_(hop), n_frames_(n_frames), sq_(n_fft),
          period_(std::min(hop, n_fft), 0.0) {  // (phases >= n_fft of a longer hop are 0)
        for (int i = 0; i < n_fft; ++i) {
            sq_[i] = window[i] * window[i];
            period_[i % hop] += sq_[i];
        }
    }
    double at(int64_t g) const {
        if (g >= n_fft_ - 1 && g <= (n_frames_ - 1) * hop_) {
            const int64_t phase = g % hop_;
            return phase < static_cast<int64_t>(period_.size()) ? period_[phase] : 0.0;
        }
        // frames t with 0 <= g - t * hop < n_fft, 0 <= t < n_frames
        int64_t t_hi = std::min<int64_t>(g / hop_, n_frames_ - 1);
        double s = 0.0;
        for (int64_t t = t_hi; t >= 0; --t) {
            const int64_t i = g - t * hop_;
            if (i >= n_fft_) break;
            s += sq_[i];
        }
        return s;
    }

private:
    int n_fft_, hop_;
    int64_t n_frames_;
    std::vector<double> sq_, period_;
};

template <typename T>
void istft_t(const KernelTable& K, const RfftPlan& fft, const double* window64, const T* D,
             int64_t B, int64_t T_in, int64_t n_frames, int hop, bool center, int64_t out_len,
             T* y, int n_threads) {
    const int n_fft = fft.n_fft();
    const int64_t F = fft.n_bins();
    const int W = K.lanes;
    if (n_frames > T_in || n_frames < 0) throw std::invalid_argument("istft: n_frames out of range");
    if (hop < 1) throw std::invalid_argument("istft: hop_length must be positive");
    std::fill(y, y + B * out_len, T(0));
    if (out_len == 0 || n_frames == 0) return;
    const int64_t off = center ? n_fft / 2 : 0;
    // the window with the inverse FFT's 1 / n_complex
    std::vector<T> window(n_fft);
    for (int i = 0; i < n_fft; ++i) window[i] = static_cast<T>(window64[i] / fft.view().n_complex);

    const int64_t items_per_signal = (n_frames + kFramesPerItem - 1) / kFramesPerItem;
    const int64_t n_items = B * items_per_signal;
    const int64_t head = std::max<int64_t>(0, n_fft - hop);  // samples shared with the previous item
    std::vector<T> heads(static_cast<size_t>(n_items * head), T(0));
    const int workers = worker_count(n_threads, n_items);
    const size_t work_size = 2 * static_cast<size_t>(F + 1) * W + fft.work_floats(W);
    std::vector<std::vector<T>> work(workers), frames(workers);
    // frames are written W at a time: a stride of a power of two bytes would put the W rows'
    // stores in the same cache sets
    const size_t frame_stride = static_cast<size_t>(n_fft) + 16 + ((n_fft % 16) == 0 ? 0 : 16 - n_fft % 16);

    parallel_items(n_items, n_threads, [&](int64_t item, int worker) {
        std::vector<T>& wk = work[worker];
        std::vector<T>& fr = frames[worker];
        if (wk.empty()) {
            wk.resize(work_size);
            fr.resize(static_cast<size_t>(W) * frame_stride);
        }
        const int64_t b = item / items_per_signal;
        const int64_t t_begin = (item % items_per_signal) * kFramesPerItem;
        const int64_t t_end = std::min(n_frames, t_begin + kFramesPerItem);
        T* yb = y + b * out_len;
        T* hb = heads.data() + item * head;
        // output samples below `own` may also receive the previous item's frames
        const int64_t own = t_begin == 0 ? std::numeric_limits<int64_t>::min()
                                         : t_begin * hop - off + head;
        const T* bins[64];
        for (int64_t t0 = t_begin; t0 < t_end; t0 += W) {
            const int n_valid = static_cast<int>(std::min<int64_t>(W, t_end - t0));
            for (int l = 0; l < W; ++l) {
                const int64_t t = t0 + std::min(l, n_valid - 1);
                bins[l] = D + 2 * ((b * T_in + t) * F);
            }
            irfft_call<T>(K, fft.view(), window.data(), bins, n_valid, wk.data(), fr.data(),
                          frame_stride);
            for (int l = 0; l < n_valid; ++l) {
                const int64_t start = (t0 + l) * hop - off;
                const T* src = fr.data() + static_cast<size_t>(l) * frame_stride;
                const int64_t i_lo = std::max<int64_t>(0, -start);
                const int64_t i_hi = std::min<int64_t>(n_fft, out_len - start);
                int64_t i = i_lo;
                for (; i < i_hi && start + i < own; ++i) hb[start + i - (own - head)] += src[i];
                T* dst = yb + start;
                for (; i < i_hi; ++i) dst[i] += src[i];
            }
        }
    });
    // the heads, then the normalization (shared by every signal)
    const WindowSumSquare wss(window64, n_fft, hop, n_frames);
    const int64_t full = static_cast<int64_t>(n_fft) + static_cast<int64_t>(hop) * (n_frames - 1);
    const T tiny = std::numeric_limits<T>::min();
    std::vector<T> scale;
    for (int64_t item = 0; item < n_items; ++item) {
        const int64_t b = item / items_per_signal;
        const int64_t t_begin = (item % items_per_signal) * kFramesPerItem;
        if (t_begin == 0) continue;
        const int64_t base = t_begin * hop - off;
        const T* hb = heads.data() + item * head;
        T* yb = y + b * out_len;
        for (int64_t i = 0; i < head; ++i) {
            const int64_t j = base + i;
            if (j >= 0 && j < out_len) yb[j] += hb[i];
        }
    }
    const int64_t n_norm = std::min(out_len, full - off);
    // divisors per output sample j (1 where the envelope is not above tiny): the interior
    // [n_fft - 1, (n_frames - 1) hop] repeats with period hop, the edges are computed
    auto divisor = [&](int64_t j) {
        const T w = static_cast<T>(wss.at(j + off));  // librosa's envelope has dtype T
        return w > tiny ? w : T(1);
    };
    const int64_t in_lo = std::min(n_norm, std::max<int64_t>(0, n_fft - 1 - off));
    const int64_t in_hi = std::max(in_lo, std::min(n_norm, (n_frames - 1) * hop - off + 1));
    // (the interior's period: at most its length, which a hop longer than the output exceeds)
    std::vector<T> edge_lo(in_lo), edge_hi(n_norm - in_hi), period(std::min<int64_t>(hop, in_hi - in_lo));
    for (int64_t j = 0; j < in_lo; ++j) edge_lo[j] = divisor(j);
    for (int64_t j = in_hi; j < n_norm; ++j) edge_hi[j - in_hi] = divisor(j);
    for (int64_t i = 0; i < static_cast<int64_t>(period.size()); ++i) period[i] = divisor(in_lo + i);
    parallel_items(B, n_threads, [&](int64_t b, int) {
        T* yb = y + b * out_len;
        for (int64_t j = 0; j < in_lo; ++j) yb[j] /= edge_lo[j];
        const T* pd = period.data();
        for (int64_t j0 = in_lo; j0 < in_hi; j0 += hop) {
            const int64_t m = std::min<int64_t>(hop, in_hi - j0);
            T* r = yb + j0;
            for (int64_t i = 0; i < m; ++i) r[i] /= pd[i];
        }
        for (int64_t j = in_hi; j < n_norm; ++j) yb[j] /= edge_hi[j - in_hi];
    });
}

}  // namespace

void istft(const KernelTable& K, const RfftPlan& fft, const double* window, const float* D,
           int64_t B, int64_t T, int64_t n_frames, int hop, bool center, int64_t out_len,
           float* y, int n_threads) {
    istft_t<float>(K, fft, window, D, B, T, n_frames, hop, center, out_len, y, n_threads);
}

void istft64(const KernelTable& K, const RfftPlan& fft, const double* window, const double* D,
             int64_t B, int64_t T, int64_t n_frames, int hop, bool center, int64_t out_len,
             double* y, int n_threads) {
    istft_t<double>(K, fft, window, D, B, T, n_frames, hop, center, out_len, y, n_threads);
}

}  // namespace genrefx
