// Drivers for librosa's "recipes" beyond feature extraction: the inverse STFT (cpp/istft.cpp)
// and harmonic-percussive source separation (cpp/hpss.cpp). Arrays are C-contiguous; complex
// arrays are interleaved (re, im) and frame-major ([B][T][F]: frame t's F bins contiguous, the
// memory layout of librosa's Fortran-ordered STFT).
#pragma once

#include <cstdint>

#include "kernels/kernel_table.hpp"
#include "plans.hpp"

namespace genrefx {

// librosa.istft: y[b][j], j < out_len, from frames [0, n_frames) of D[b][t][k] (t < T,
// k < fft.n_bins()). `window` is the n_fft-sample synthesis window (librosa's ifft_window).
// Overlap-add of the windowed inverse FFTs, then division by the window sum-square where it
// exceeds tiny(T); centred framing drops the first n_fft / 2 samples. Samples past the
// overlap-added length are 0.
void istft(const KernelTable& K, const RfftPlan& fft, const double* window, const float* D,
           int64_t B, int64_t T, int64_t n_frames, int hop, bool center, int64_t out_len,
           float* y, int n_threads);
void istft64(const KernelTable& K, const RfftPlan& fft, const double* window, const double* D,
             int64_t B, int64_t T, int64_t n_frames, int hop, bool center, int64_t out_len,
             double* y, int n_threads);

struct HpssParams {
    int kernel_harm = 31;  // median filter length along time (harmonic)
    int kernel_perc = 31;  // along frequency (percussive)
    float power = 2.0f;    // softmask exponent (inf: hard masks)
    float margin_harm = 1.0f, margin_perc = 1.0f;
    bool masks = false;  // output the masks instead of the components
};

// librosa.decompose.hpss on B spectrograms [T][F], frame-major: D complex (interleaved) or, when
// D is null, S real non-negative. out_h / out_p (nullable): [B][T][F] masks (float), or the
// components: complex (interleaved) for D, real for S.
void hpss(const KernelTable& K, const float* D, const float* S, int64_t B, int64_t T, int64_t F,
          const HpssParams& p, float* out_h, float* out_p, int n_threads);

}  // namespace genrefx
