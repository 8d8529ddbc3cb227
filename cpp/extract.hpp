// The drivers: they walk signals (or given spectrograms) block by block, call the kernels, and
// handle everything librosa computes over a whole array (chroma's tuning estimate, mfcc's and
// contrast's top_db). Every requested feature comes from ONE framing + FFT pass.
#pragma once

#include <complex>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/kernel_table.hpp"
#include "plans.hpp"

namespace genrefx {

struct Framing {
    int n_fft = 2048;
    int hop = 512;
    bool center = true;
    PadMode pad = PadMode::Constant;
};

// Frames of a signal of n samples (librosa's count), or -1 when it is too short for center=False.
int64_t count_frames(const Framing& framing, int64_t n);

// What to compute, with the parameters librosa's functions take. Filterbanks and band edges are
// prepared by the Python layer (cached there by parameters).
struct Request {
    bool fft64 = false;  // FFT in float64 (librosa's precision), needed where tiny bins matter
    // Each signal on its own: chroma's tuning estimate, estimate_tuning and the top_db maxima of
    // mfcc and contrast per signal (separate calls' results) instead of over the whole array
    // (librosa's call on a batch).
    bool independent = false;
    // stft64: the stft in complex128 from the float64 FFT, unrounded (float64 audio; implies
    // fft64)
    bool stft64 = false;
    bool stft = false, mel = false, mfcc = false, chroma = false, centroid = false,
         bandwidth = false, contrast = false, rolloff = false, flatness = false, rms = false;
    double sr = 22050.0;
    std::vector<double> freq;  // per bin: librosa's fft_frequencies or the user's `freq`

    std::shared_ptr<const SparseBank> mel_bank;  // melspectrogram / mfcc
    bool mel_magnitude = false;  // mel of |X| (power=1) instead of |X|^2
    std::vector<float> dct;                      // mfcc: bin-major n_mels x n_mfcc (lifter folded in)
    int n_mfcc = 0;
    float db_amin = 1e-10f;
    double top_db = 80.0;  // < 0: None

    int n_chroma = 12;
    int chroma_n_fft = 2048;  // n_fft the chroma filterbank is built for
    bool estimate_tuning = true;
    double tuning = 0.0;
    double ctroct = 5.0, octwidth = 2.0;  // octwidth <= 0: None
    bool base_c = true;
    double chroma_norm = std::numeric_limits<double>::infinity();  // 0: None

    // librosa.feature.rms(S=|stft|, frame_length=n_fft): from the spectrum, not the frames
    bool rms_spectrum = false;
    int rms_frame_length = 2048;  // must satisfy n_bins == rms_frame_length / 2 + 1
    bool rms_mean_of_bins = false;  // librosa 0.5's rmse(S=...): sqrt of the bins' mean of |S|^2

    // librosa.estimate_tuning on the magnitude spectrogram (what cqt(tuning=None) uses)
    bool tuning_estimate = false;
    int tuning_bins_per_octave = 12;
    double tuning_resolution = 0.01;
    // the n_fft that librosa's piptrack takes the bins' frequencies from (y input: the STFT's,
    // odd ones included); 0: inferred from the bins, 2 (n_bins - 1), as for an S input
    double tuning_n_fft = 0.0;
    // estimate_tuning's piptrack arguments (chroma_stft's estimate always takes the defaults)
    double tuning_fmin = 150.0, tuning_fmax = 4000.0;
    float tuning_threshold = 0.1f;

    std::vector<int32_t> contrast_lo, contrast_hi, contrast_count;
    bool contrast_linear = false;

    float roll_percent = 0.85f;
    float flat_amin = 1e-10f, flat_power = 2.0f;
    int flat_sum_mode = 1;  // numpy's summation for librosa's layout (see the flatness kernel)
    double bw_p = 2.0;
    bool bw_norm = true;
    const double* bw_centroid = nullptr;  // [B][T] user-given centroid for the bandwidth
};

// Output buffers, [B][rows][T] C-order, null when not requested.
struct Outputs {
    std::complex<float>* stft = nullptr;  // [B][T][F]: frame-major, as librosa's F-ordered STFT
    std::complex<double>* stft64 = nullptr;  // the same in complex128 (Request::stft64)
    float* mel = nullptr;
    float* mfcc = nullptr;
    float* chroma = nullptr;
    double* centroid = nullptr;
    double* bandwidth = nullptr;
    double* contrast = nullptr;
    double* rolloff = nullptr;
    float* flatness = nullptr;
    float* rms = nullptr;
    float* rms_spectrum = nullptr;
    // The tuning used for chroma (estimated or given) and Request::tuning_estimate's result:
    // one value, or one per signal with Request::independent.
    std::vector<double> tunings, estimated_tunings;
};

// From signals y[B][n] (row stride y_stride floats).
// `window` / `window64`: the analysis window (n_fft samples) in float32 and float64.
// y64: the same audio in float64 when the caller has it (float64 input), else null; with it,
// the float64 FFT (request.fft64) takes its frames unrounded, as librosa does.
void run_from_signal(const KernelTable& kernels, const RfftPlan& fft, const float* window,
                     const double* window64, const Framing& framing, const float* y,
                     const double* y64, int64_t n_signals, int64_t n, const Request& request,
                     Outputs& out, int n_threads);

// From spectrograms S[B][F][T] (magnitude for the shape features, power for mel and chroma).
void run_from_spectrum(const KernelTable& kernels, const float* S, int64_t n_signals,
                       int64_t n_bins, int64_t n_frames, const Request& request, Outputs& out,
                       int n_threads);

// One octave of librosa's CQT (__cqt_response): the STFT of y[B][n] with the plan's window
// and framing (float64 FFT, as librosa), times the octave's sparse FFT'd basis, without
// materializing the STFT.
// out[B][basis.n_rows][T] complex64. row_scale (nullable, n_rows): librosa's later
// `V /= sqrt(lengths)` on each row, done here as numpy does it (complex128 division by a real:
// times 1 / scale in float64, rounded to complex64).
void cqt_octave_response(const KernelTable& kernels, const RfftPlan& fft, const double* window,
                         const Framing& framing, const float* y, int64_t n_signals, int64_t n,
                         const ComplexSparseView& basis, const double* row_scale,
                         std::complex<float>* out, int n_threads);

// librosa.feature.zero_crossing_rate: out[B][T] (float64), edge padding when centered.
void zero_crossing_rate(const KernelTable& K, const float* y, int64_t n_signals, int64_t n, int frame_length, int hop,
                        bool center, float threshold, bool pad, bool zero_pos, double* out,
                        int n_threads);

}  // namespace genrefx
