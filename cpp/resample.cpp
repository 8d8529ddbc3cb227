// A 2:1 decimation by a linear-phase FIR filter (librosa's resample with res_type="soxr_hq" for
// a ratio of exactly 2, whose filter python/genrefx/_halving.py measures from soxr itself), by
// overlap-save FFT convolution: blocks of n_fft input samples, W blocks per kernel call
// (kernels/resample_impl.hpp).
//
// Output m takes input samples 2 m - J .. 2 m + J. Block i gives outputs i P .. i P + P - 1,
// P = n_fft / 2 - J, from input samples s = 2 i P - J .. s + n_fft - 1 (zeros outside the
// signal): in the block's circular convolution with the causal taps g[t] = h[t - J], even
// samples 2 q with q >= J are free of wrap-around and q = J + (m - i P).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "parallel.hpp"
#include "recipes.hpp"

namespace genrefx {

namespace {

int halving_fft_size(int half_width) {
    // a block of N >= 16 J samples gives P = N / 2 - J >= 7 J outputs, at least 7/8 of what
    // its FFTs would give without the overlap (soxr_hq's J = 255: N = 4096; in a C++-level
    // sweep, N = 2048 took ~1.25x as long per clip, 8192 ~1.3x)
    int n = 256;
    while (n < 16 * half_width) n *= 2;
    return n;
}

}  // namespace

HalvingFilter::HalvingFilter(const double* taps, int half_width, double gain)
    : half_width_(half_width), n_fft_(halving_fft_size(half_width)) {
    if (half_width < 1) throw std::invalid_argument("half_width must be positive");
    fft_ = RfftPlan::get(n_fft_);
    half_ = RfftPlan::get(n_fft_ / 2);
    if (fft_->view().dif_sub != nullptr || fft_->view().blue_sub != nullptr) {
        throw std::logic_error("HalvingFilter needs a plain power-of-two FFT plan");
    }
    // G[k] = sum_t g[t] exp(-2 pi i k t / N), g[t] = taps[t] (t <= 2 J), in float64, prescaled by
    // the fold's 1 / 2, the half-size inverse FFT's 1 / n_complex and the gain
    const int N = n_fft_, n_bins = N / 2 + 1, L = 2 * half_width + 1;
    std::vector<double> cos_t(N), sin_t(N);
    for (int j = 0; j < N; ++j) {
        const double a = -2.0 * M_PI * j / N;
        cos_t[j] = std::cos(a);
        sin_t[j] = std::sin(a);
    }
    const double scale = gain / (2.0 * half_->view().n_complex);
    G_.resize(2 * static_cast<size_t>(n_bins));
    for (int k = 0; k < n_bins; ++k) {
        double re = 0.0, im = 0.0;
        int64_t idx = 0;  // k t mod N
        for (int t = 0; t < L; ++t) {
            re += taps[t] * cos_t[idx];
            im += taps[t] * sin_t[idx];
            idx += k;
            if (idx >= N) idx -= N;
        }
        G_[2 * k] = static_cast<float>(re * scale);
        G_[2 * k + 1] = static_cast<float>(im * scale);
    }
}

void HalvingFilter::run(const KernelTable& K, const float* x, int64_t B, int64_t n, float* y,
                        int n_threads) const {
    const int64_t n_out = (n + 1) / 2;
    if (n_out == 0 || B == 0) return;
    const int W = K.lanes;
    const int N = n_fft_, J = half_width_;
    const int64_t P = N / 2 - J;
    const int64_t blocks = (n_out + P - 1) / P;
    const int64_t groups = (blocks + W - 1) / W;
    const RfftView& f = fft_->view();
    const RfftView& h = half_->view();
    const size_t work_size = 2 * static_cast<size_t>(h.n_bins + 1) * W + fft_->work_floats(W);
    auto body = [&](int64_t item, int) {
        // kept per OS thread: fresh pages every call would cost a fault each
        thread_local std::vector<float> work, frames_scratch, out_scratch;
        thread_local std::vector<const float*> frame_ptrs;
        frame_ptrs.resize(W);
        work.resize(work_size);
        frames_scratch.resize(static_cast<size_t>(N) * W);
        out_scratch.resize(static_cast<size_t>(P) * W);
        const int64_t b = item / groups, i0 = (item % groups) * W;
        const float* xb = x + b * n;
        float* yb = y + b * n_out;
        const int n_valid = static_cast<int>(std::min<int64_t>(W, blocks - i0));
        std::vector<const float*>& frames = frame_ptrs;
        for (int l = 0; l < n_valid; ++l) {
            const int64_t s = 2 * (i0 + l) * P - J;
            if (s >= 0 && s + N <= n) {
                frames[l] = xb + s;
                continue;
            }
            float* row = frames_scratch.data() + static_cast<size_t>(l) * N;
            std::memset(row, 0, sizeof(float) * N);
            const int64_t a = std::max<int64_t>(s, 0), e = std::min<int64_t>(s + N, n);
            if (e > a) std::memcpy(row + (a - s), xb + a, sizeof(float) * (e - a));
            frames[l] = row;
        }
        const int64_t m0 = i0 * P;
        if (m0 + W * P <= n_out) {
            K.decimate2_frames(f, h, G_.data(), frames.data(), n_valid, J, static_cast<int>(P), work.data(),
                               yb + m0, static_cast<size_t>(P));
        } else {
            K.decimate2_frames(f, h, G_.data(), frames.data(), n_valid, J, static_cast<int>(P), work.data(),
                               out_scratch.data(), static_cast<size_t>(P));
            std::memcpy(yb + m0, out_scratch.data(), sizeof(float) * (n_out - m0));
        }
    };
    parallel_items(B * groups, n_threads, body);
}

}  // namespace genrefx
