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

// librosa.feature.tempogram (norm=inf) on B envelopes already padded ([B][n_padded] float32):
// out[b][k][t] = ac_t[k] / max_k |ac_t[k]| for t < n_frames, k < L, where ac_t is the
// autocorrelation of padded[b][t .. t + L) * window (float64).
void tempogram(const KernelTable& K, const float* padded, int64_t B, int64_t n_padded,
               int64_t n_frames, const double* window, int L, double* out, int n_threads);

// The same for librosa's default periodic Hann window (`window` holds its L values), in O(L)
// per frame: running trigonometric sums restarted every 64 frames, frames with tiny energy
// redone through the exact FFT (see kernels/rhythm_impl.hpp). Results agree with tempogram's
// to ~1e-12 of each frame's maximum.
void tempogram_hann(const KernelTable& K, const float* padded, int64_t B, int64_t n_padded,
                    int64_t n_frames, const double* window, int L, double* out, int n_threads);

// librosa.beat's __beat_local_score and __beat_track_dp for one envelope (static tempo): the
// normalized onset envelope (float64), frames per beat (rounded), tightness (float32 in
// librosa's signature). Writes localscore, backlink and cumscore (n each).
void beat_dp(const double* onset, int64_t n, double frames_per_beat, float tightness,
             double* localscore, int32_t* backlink, double* cumscore);

// np.median over the rows of a [rows][cols] float32 array, per column (float32, as numpy).
void median_rows(const float* x, int64_t rows, int64_t cols, float* out, int n_threads);

}  // namespace genrefx
