// The interface between the drivers (compiled once, baseline ISA) and the kernels (compiled once
// per SIMD level into their own namespace). Everything that crosses it is plain data: raw pointers,
// sizes and POD views of the plans. Kernels never call inline functions of shared headers, so no
// code compiled for AVX-512 can be picked by the linker for a baseline caller.
//
// Layout convention ("lanes"): a block of W frames is processed together; a quantity per
// frequency bin k is stored as W consecutive floats, x[k * W + l] for frame l of the block. A
// user-supplied spectrogram S[k, t] is the same layout with row stride T instead of W, so every
// feature kernel takes (pointer, row stride).
#pragma once

#include <cstddef>
#include <cstdint>

namespace genrefx {

// One Stockham stage of the complex FFT: `radix`-point butterflies after `ns` points were merged.
struct FftStage {
    int radix;
    int ns;
    const float* twiddles;  // [ns][radix - 1] complex (re, im), exp(-2 pi i r k / (ns * radix))
    const double* twiddles64;  // the same in float64
    const double* roots64;     // [radix] complex exp(-2 pi i q / radix), for the generic radix
};

// A real FFT of length n_fft. Even n_fft: a complex FFT of n_fft / 2 points plus a split step.
// Odd n_fft: a complex FFT of n_fft points on the real input.
struct RfftView {
    int n_fft;
    int n_complex;        // points of the complex FFT
    int n_bins;           // n_fft / 2 + 1
    int n_stages;         // the complex FFT's chain (radix 8 where it can), for both precisions
    const FftStage* stages;
    const float* split;   // even n_fft: [n_complex] complex exp(-2 pi i k / n_fft)
    const double* split64;
    // Large even n_fft (n_complex = 8 m, m >= 32 and 5-smooth): the float32 spectrum's complex
    // FFT is one radix-8 decimation-in-frequency pass, then 8 m-point FFTs by dif_sub's chain,
    // which fit in L1 (float64 spectra keep the plain chain: the split measured slower there).
    const RfftView* dif_sub;  // null: the plain Stockham chain
    const float* dif_tw;      // [m][7] complex exp(-2 pi i q j / n_complex), q = 1..7
    const double* dif_tw64;
    // n_complex with a large prime factor: the complex FFT is Bluestein's chirp-z transform, a
    // circular convolution by FFTs of blue_sub's size M = 2^a 3^b 5^c >= 2 n_complex - 1.
    const RfftView* blue_sub;  // null: the mixed-radix chain
    const float* blue_chirp;   // [n_complex] complex b[j] = exp(-pi i (j^2 mod 2n) / n)
    const double* blue_chirp64;
    const float* blue_kernel;  // [M] complex FFT_M(conj(b) wrapped) / M
    const double* blue_kernel64;
};

// Sparse rows of a filterbank (mel): row m has weights for bins [start[m], start[m] + len[m]).
struct SparseBankView {
    int n_rows;
    const int32_t* start;
    const int32_t* len;
    const int64_t* offset;  // into weights
    const float* weights;
};

// spectral_contrast band k covers bins [lo[k], hi[k]) and averages the `count[k]` smallest and
// largest values (librosa's band edges and quantile, computed by the driver).
struct ContrastView {
    int n_bands;  // rows of the output (librosa's n_bands + 1)
    const int32_t* lo;
    const int32_t* hi;
    const int32_t* count;
    int max_count;
};

// piptrack as used by librosa.estimate_tuning on a power spectrogram.
struct PiptrackView {
    int k_lo, k_hi;       // bins with fmin <= freq < fmax
    double sr;
    double n_fft;         // librosa's n_fft inferred from the number of bins: 2 * (n_bins - 1)
    float threshold;      // 0.1: a peak must exceed threshold * the frame's maximum
};

// librosa.pitch_tuning's histogram: residuals in [-0.5, 0.5) against n_hist + 1 edges
// (np.linspace(-0.5, 0.5, n_hist + 1)), for bins_per_octave = scale.
struct TuningView {
    float scale;
    int n_hist;  // >= 1
    const double* edges;
};

// What a spectrum call writes (each output nullable). The complex bins go to a frame-major
// complex64 array (librosa's Fortran-ordered STFT): lane l's bin k at
// complex_out[2 * (lane_offsets[l] + k)], l < n_valid; complex_out64 is the same in complex128,
// unrounded (the float64 FFT's bins, for float64 audio's stft). mag/pow are [n_bins][W] lanes
// arrays of |X| and |X|^2 computed from the complex64-rounded bins, as librosa does.
struct SpectrumOut {
    float* complex_out;
    const size_t* lane_offsets;  // [n_valid] complex elements (with complex_out / complex_out64)
    double* complex_out64;
    float* mag;
    float* pow;
    float* re;  // [n_bins][W] lanes arrays of the complex64-rounded bins
    float* im;
};

// A sparse complex matrix in CSR form (the CQT's FFT'd filter basis): row m's entries are
// data[2 j], data[2 j + 1] (re, im) at columns indices[j] for j in [indptr[m], indptr[m + 1]).
struct ComplexSparseView {
    int n_rows;
    const int32_t* indptr;
    const int32_t* indices;
    const float* data;
};

// Elements of padding between the FFT's four work arrays: with power-of-two sizes they would
// otherwise start at addresses that share cache sets, and the butterflies' 16 streams thrash.
constexpr size_t kFftBufferPad = 80;

struct KernelTable {
    const char* level;  // "baseline", "avx2", "avx512"
    int lanes;          // W: frames per block

    // Window the W frames (frames[l] points at n_fft samples of frame l; lanes >= n_valid are
    // zero), compute their spectra and write what `out` asks for. `work` holds
    // RfftPlan::work_floats floats.
    void (*spectrum)(const RfftView& fft, const float* window, const float* const* frames,
                     int n_valid, float* work, const SpectrumOut& out);

    // The same in float64 arithmetic (as librosa, whose window and FFT are float64), rounded to
    // float32 outputs; `work` holds the same number of doubles.
    void (*spectrum64)(const RfftView& fft, const double* window, const float* const* frames,
                       int n_valid, double* work, const SpectrumOut& out);

    // spectrum64 of float64 frames (float64 audio: librosa frames it without rounding).
    void (*spectrum64d)(const RfftView& fft, const double* window, const double* const* frames,
                        int n_valid, double* work, const SpectrumOut& out);

    // Dense-to-sparse product: out[m][l] = sum_k bank[m][k] * S[k * rs + l].
    void (*sparse_bank)(const SparseBankView& bank, const float* S, size_t rs, float* out);

    // Complex sparse product on lanes spectra: out[m][l] = sum_j data_j * X[indices_j][l], with
    // X = re + i im ([n_bins][W]); out_re/out_im [n_rows][W]. Accumulates in index order.
    void (*complex_sparse_bank)(const ComplexSparseView& bank, const float* re, const float* im,
                                float* out_re, float* out_im);

    // Dense product with a bin-major bank (chroma's filterbank, mfcc's DCT):
    // out[c][l] = sum_k fbT[k * n_rows + c] * S[k * rs + l], summed in k order.
    void (*dense_bank)(const float* fbT, int n_rows, int n_bins, const float* S, size_t rs,
                       float* out);

    // librosa.feature.spectral_centroid / spectral_bandwidth on magnitudes S (double results,
    // [W] each; bandwidth may be null). `bw_centroid` (nullable) overrides the centroid used by
    // the bandwidth. p is the bandwidth's exponent, norm whether S is normalized first.
    void (*centroid_bandwidth)(const float* S, size_t rs, int n_bins, const double* freq,
                               double* centroid, double* bandwidth, const double* bw_centroid,
                               double p, bool norm);

    // librosa.feature.spectral_rolloff: with k the first bin whose running float32 sum reaches
    // roll_percent of the total, out[l] = freq_min[k], the smallest frequency of bins k and up
    // (rolloff_frequency_minima of the bins' frequencies).
    void (*rolloff)(const float* S, size_t rs, int n_bins, const double* freq_min,
                    float roll_percent, double* out);

    // librosa.feature.spectral_flatness on magnitudes S: out[l]. The means over the bins follow
    // numpy's summation for librosa's arrays: sum_mode 0 = float32 running sums (bin axis not
    // innermost), 1 = float32 pairwise sums (bin axis contiguous), 2 = float64 (float64 input).
    void (*flatness)(const float* S, size_t rs, int n_bins, float amin, float power,
                     int sum_mode, float* out);

    // spectral_contrast's raw peak/valley means: peak/valley [n_bands][W]. `work` holds
    // 2 * max_count * W floats.
    void (*contrast_peaks)(const ContrastView& bands, const float* S, size_t rs, float* work,
                           float* peak, float* valley);

    // Sum of squares of each frame in double: out[l] = sum_i frames[l][i]^2 (0 for l >= n_valid).
    // Frames are `hop` samples apart (their shared samples are summed once).
    void (*frame_energy)(const float* const* frames, int n_valid, int frame_length, int hop,
                         double* out);

    // librosa.feature.rms(S=...)'s power sum of power rows S: out[l] = S[0] / 2 + S[1] + ... +
    // S[n_bins - 2] + S[n_bins - 1] (halved when halve_last: an even frame length's Nyquist).
    void (*power_sum)(const float* S, size_t rs, int n_bins, bool halve_last, double* out);

    // Whether none of x[0 .. n) is NaN or infinite.
    bool (*all_finite)(const float* x, size_t n);

    // The feature table's moments of one float32 row of n >= 1 values: out = {mean, m2, m3,
    // m4} (float64 central moments over n), *lo / *hi its min and max.
    void (*row_moments)(const float* v, size_t n, double* out, float* lo, float* hi);

    // out[i] = float32(float64(x[i]) / divisor), numpy's `float32 array /= float64 scalar`.
    void (*divide)(const float* x, size_t n, double divisor, float* out);

    // Class changes between consecutive samples (zero_crossings): d[0] = 0, d[i] = 1 where the
    // sign class of y[i] differs from y[i - 1]'s. Classes, with values |y| <= threshold as zero:
    // zero_pos: negative / not negative (np.signbit); otherwise negative / zero / positive.
    void (*sign_changes)(const float* y, int64_t n, float threshold, bool zero_pos, uint8_t* d);

    // Sliding-window counts of a 0/1 byte array: out[t] = sum_{i < len} d[t * hop + i], t < T.
    void (*window_counts)(const uint8_t* d, int64_t T, int hop, int len, uint32_t* out);

    // sign_changes counted per chunk of a padded signal, without the byte array: out[c] = the
    // number of i in [c * hop - offset, (c + 1) * hop - offset) with 1 <= i < n whose class
    // differs from y[i - 1]'s (the samples of y sit at offset .. offset + n - 1), c < n_chunks;
    // first[c] = 1 when the chunk's first i is one of them.
    void (*chunk_changes)(const float* y, int64_t n, int64_t offset, int hop, int64_t n_chunks,
                          float threshold, bool zero_pos, uint32_t* out, uint8_t* first);

    // power_to_db rows: out[k][l] = max(10 log10(max(amin, S[k * rs + l])), floor).
    void (*db_rows)(const float* S, size_t rs, int rows, float amin, float floor, float* out);

    // piptrack's peaks of a power spectrogram block, for estimate_tuning. For every lane l < n_valid,
    // appends (pitch, mag) pairs; returns the new count. Capacity is guaranteed by the driver,
    // plus W elements past the last peak that the kernel may overwrite.
    size_t (*piptrack)(const PiptrackView& pt, const float* S, size_t rs, int n_bins, int n_valid,
                       float* pitch_out, float* mag_out, size_t count);

    // librosa.pitch_tuning's histogram bin of each frequency (-1: not counted: not > 0, not
    // finite, f / 27.5 underflowing to 0, or outside the edges); the residual in float32 as
    // numpy's, from log2(f / 27.5) correctly rounded to float32.
    void (*tuning_bins)(const TuningView& h, const float* freq, size_t n, int32_t* bin);

    // --- istft and hpss (kernels/inverse_impl.hpp, kernels/median_impl.hpp) ---

    // Inverse real FFT of W frames, times the synthesis window: bins[l] points at frame l's
    // n_bins interleaved (re, im) values (l < n_valid); out[l * out_stride + i] for i < n_fft.
    // `window` includes the inverse FFT's scale 1 / n_complex. `work` holds
    // 2 * (n_bins + 1) * W + RfftPlan::work_floats(W) elements. The imaginary parts of the DC
    // and (even n_fft) Nyquist bins are ignored, as numpy.fft.irfft does.
    void (*irfft_frames)(const RfftView& fft, const float* window, const float* const* bins,
                         int n_valid, float* work, float* out, size_t out_stride);
    void (*irfft_frames64)(const RfftView& fft, const double* window, const double* const* bins,
                           int n_valid, double* work, double* out, size_t out_stride);

    // Running median across lanes: out row i (W floats at out + i * out_stride) is the rank-th
    // smallest of rows[i .. i + k - 1] per lane (rows: n_out + k - 1 pointers to W floats).
    // `work` holds k * W floats.
    void (*median_lanes)(const float* const* rows, int64_t n_out, int k, int rank, float* work,
                         float* out, size_t out_stride);

    // x[i * W + l] = frames[l][i] (i < len) and back: out[l * out_stride + i] = x[i * W + l].
    void (*to_lanes)(const float* const* frames, int len, float* x);
    void (*from_lanes)(const float* x, int len, int n_valid, float* out, size_t out_stride);

    // librosa.decompose.hpss's soft masks and outputs over n elements (see median_impl.hpp).
    void (*hpss_combine)(const float* D, const float* mag, const float* harm, const float* perc,
                         size_t n, float power, float margin_h, float margin_p, bool split_zeros,
                         bool masks, float* out_h, float* out_p);

    // out[i] = |D[i]| for n interleaved complex64 values.
    void (*complex_abs)(const float* D, size_t n, float* out);

    // ac[k] = sum_{i < L - k} x[i] x[i + k], k < L, in float64 (librosa.feature.tempogram).
    void (*autocorrelate)(const double* x, int L, double* ac);

    // The max-normalized autocorrelations (lags < L) of W frames of L float32 samples times a
    // float64 window, through a float64 FFT of the plan's even n_fft >= 2 L - 1:
    // out[k * W + l]. `work` holds 2 * (n_bins + 1) * W + RfftPlan::work_floats(W) doubles.
    void (*autocorr_frames64)(const RfftView& fft, const double* window,
                              const float* const* frames, int L, int n_valid, double* work,
                              double* out);

    // Raw autocorrelations of frames t0 .. t0 + n - 1 of x under a periodic Hann window of L
    // samples, O(L) per frame through trigonometric running sums (kernels/rhythm_impl.hpp):
    // out[s * L + k]. `xrev` is x (N samples) reversed; `tab` 13 L + 4 and `st` 5 L doubles.
    void (*hann_autocorr)(const double* x, const double* xrev, int64_t N, int L, int64_t t0,
                          int64_t n, const double* tab, double* st, double* out);

    // Each of n rows of L doubles divided by its largest |value| (unless below tiny).
    void (*normalize_rows)(double* rows, int64_t n, int L);
};

const KernelTable* kernels_baseline();
#if defined(GENREFX_HAVE_X86_LEVELS)
const KernelTable* kernels_avx2();
const KernelTable* kernels_avx512();
#endif

}  // namespace genrefx
