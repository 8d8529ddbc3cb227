// The inverse real FFT of W frames at once (librosa.istft's irfft + window), and the lanes
// transposes the istft / hpss drivers use. Included at the very end of kernels_impl.hpp, into
// the same per-level namespace: it reuses complex_fft and transpose_frames from there and
// follows the same rules (no allocation, no shared inline templates).
//
// Inverse through the forward plan: IFFT_n(Z) = conj(FFT_n(conj Z)) / n.
//   even n_fft = 2n: undo the split step, Z[k] = E[k] + i O[k] with
//     E[k] = (X[k] + conj X[n-k]) / 2, O[k] = (X[k] - conj X[n-k]) conj(w^k) / 2,
//     w = exp(-2 pi i / n_fft); then x[2j] = Re z[j], x[2j + 1] = Im z[j].
//   odd n_fft: the full Hermitian spectrum, one complex FFT of n_fft points, the real part.
// As numpy.fft.irfft, the imaginary parts of the DC bin and (even n_fft) the Nyquist bin are
// ignored.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// x[i * W + l] = frames[l][i] for i < len (no window).
void to_lanes(const float* const* frames, int len, float* x) {
    transpose_frames(frames, nullptr, len, x);
}

// out[l * out_stride + i] = x[i * W + l] for i < len, l < n_valid.
void from_lanes(const float* x, int len, int n_valid, float* out, size_t out_stride) {
    alignas(64) float tile[W * W];
    const float* rows[W];
    int i0 = 0;
    for (; i0 + W <= len; i0 += W) {
        // the W x W tile of rows i0 .. i0 + W - 1 is W "frames" of W lanes: transposing it
        // gives frame l's samples i0 .. i0 + W - 1 in tile row l
        for (int r = 0; r < W; ++r) rows[r] = x + static_cast<size_t>(i0 + r) * W;
        transpose_frames(rows, nullptr, W, tile);
        for (int l = 0; l < n_valid; ++l) {
            std::memcpy(out + static_cast<size_t>(l) * out_stride + i0, tile + static_cast<size_t>(l) * W,
                        sizeof(float) * W);
        }
    }
    for (; i0 < len; ++i0) {
        for (int l = 0; l < n_valid; ++l) out[static_cast<size_t>(l) * out_stride + i0] = x[static_cast<size_t>(i0) * W + l];
    }
}

// Gathers bins [0, n_bins) of the W frames into rows: xr(k) = X + 2 k W, xi(k) = X + (2 k + 1) W.
inline void gather_bins(const float* const* bins, int n_bins, float* X) {
    // the interleaved (re, im) floats of each frame, transposed: row 2k is re, row 2k + 1 is im
    transpose_frames(bins, nullptr, 2 * n_bins, X);
}
inline void gather_bins(const double* const* bins, int n_bins, double* X) {
    for (int k = 0; k < 2 * n_bins; ++k) {
        double* dst = X + static_cast<size_t>(k) * W;
        for (int l = 0; l < W; ++l) dst[l] = bins[l][k];
    }
}

// Windowed frames from lanes: out[l * out_stride + i] = window[i] * x[i * W + l].
inline void store_frames(float* x, const float* window, int len, int n_valid, float* out,
                         size_t out_stride) {
    for (int i = 0; i < len; ++i) {
        float* r = x + static_cast<size_t>(i) * W;
        const float w = window[i];
        GX_SIMD for (int l = 0; l < W; ++l) r[l] *= w;
    }
    from_lanes(x, len, n_valid, out, out_stride);
}
inline void store_frames(double* x, const double* window, int len, int n_valid, double* out,
                         size_t out_stride) {
    for (int i = 0; i < len; ++i) {
        const double* r = x + static_cast<size_t>(i) * W;
        const double w = window[i];
        for (int l = 0; l < n_valid; ++l) out[static_cast<size_t>(l) * out_stride + i] = w * r[l];
    }
}

// The inverse real FFT in lanes, unscaled (times n_complex): X holds the bins as rows
// (xr(k) = X + 2 k W, xi(k) = X + (2 k + 1) W, k <= n_fft / 2); fft_work holds
// RfftPlan::work_floats(W) elements. Returns the n_fft time-domain rows (x[i * W + l]): in X
// (even n_fft, rows reused) or in fft_work (odd n_fft).
template <typename T>
T* irfft_lanes_t(const RfftView& f, T* X, T* fft_work) {
    const size_t n = static_cast<size_t>(f.n_complex);
    const int n_bins = f.n_bins;
    const FftWork<T> buffers(f, fft_work);
    T* buf0 = buffers.buf0;
    T* buf1 = buffers.buf1;
    T* scratch = buffers.scratch;
    auto xr = [&](size_t k) { return X + 2 * k * W; };
    auto xi = [&](size_t k) { return X + (2 * k + 1) * W; };
    const T* split = split_table(f, static_cast<const T*>(nullptr));
    const bool even = (f.n_fft % 2) == 0;
    if (even) {
        // conj Z[k] into buf0's complex rows; bins 0 and n are real (their imaginary parts ignored)
        const T half = T(0.5);
        {
            const T* a = xr(0);
            const T* b = xr(n);
            GX_SIMD for (int l = 0; l < W; ++l) {
                // E = (X0 + Xn) / 2, O = (X0 - Xn) / 2, Z = E + i O
                buf0[l] = half * (a[l] + b[l]);
                buf0[W + l] = -(half * (a[l] - b[l]));
            }
        }
        for (size_t k = 1; k < n; ++k) {
            const T c = split[2 * k], s = split[2 * k + 1];
            const T* ar = xr(k);
            const T* ai = xi(k);
            const T* br = xr(n - k);
            const T* bi = xi(n - k);
            T* zr = buf0 + k * kRow;
            T* zi = zr + W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                // B = conj X[n-k]; E = (A + B) / 2; D = (A - B) / 2; O = D conj(w^k)
                const T er = half * (ar[l] + br[l]), ei = half * (ai[l] - bi[l]);
                const T dr = half * (ar[l] - br[l]), di = half * (ai[l] + bi[l]);
                // conj(w) = (c, -s): O = (dr c + di s, di c - dr s)
                const T orr = dr * c + di * s, oi = di * c - dr * s;
                // Z = E + i O = (er - oi, ei + orr); store conj Z
                zr[l] = er - oi;
                zi[l] = -(ei + orr);
            }
        }
        const T* y = complex_fft<T>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
        // z = conj(FFT(conj Z)): x[2j] = yr[j], x[2j + 1] = -yi[j]; the bins are consumed, so
        // their rows (2 n W elements) take the samples
        T* x = X;
        for (size_t j = 0; j < n; ++j) {
            T* e = x + 2 * j * W;
            T* o = e + W;
            const T* a = y + j * kRow;
            const T* b = a + W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                e[l] = a[l];
                o[l] = -b[l];
            }
        }
        return x;
    }
    // odd n_fft = n: conj of the full Hermitian spectrum, Y[k] = X[k], Y[n - k] = conj X[k]
    const size_t h = static_cast<size_t>(n_bins);  // (n + 1) / 2
    {
        const T* a = xr(0);
        GX_SIMD for (int l = 0; l < W; ++l) {
            buf0[l] = a[l];
            buf0[W + l] = T(0);
        }
    }
    for (size_t k = 1; k < h; ++k) {
        const T* ar = xr(k);
        const T* ai = xi(k);
        T* pr = buf0 + k * kRow;
        T* pi = pr + W;
        T* qr = buf0 + (n - k) * kRow;
        T* qi = qr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            pr[l] = ar[l];
            pi[l] = -ai[l];
            qr[l] = ar[l];
            qi[l] = ai[l];
        }
    }
    // the real part of conj(FFT(conj Y)) is that of FFT(conj Y): its rows, packed W apart
    // (each moves down, never over an earlier one)
    T* y = complex_fft<T>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
    for (size_t j = 1; j < n; ++j) std::memmove(y + j * W, y + j * kRow, W * sizeof(T));
    return y;
}

// work: 2 * (n_bins + 1) * W + RfftPlan::work_floats(W) elements. `window` is the synthesis
// window already scaled by the inverse FFT's 1 / n_complex.
template <typename T>
void irfft_frames_t(const RfftView& f, const T* window, const T* const* bins_in, int n_valid,
                    T* work, T* out, size_t out_stride) {
    const T* bins[W];
    for (int l = 0; l < W; ++l) bins[l] = bins_in[l < n_valid ? l : 0];
    T* X = work;
    gather_bins(bins, f.n_bins, X);
    T* x = irfft_lanes_t<T>(f, X, work + 2 * static_cast<size_t>(f.n_bins + 1) * W);
    store_frames(x, window, f.n_fft, n_valid, out, out_stride);
}

void irfft_frames(const RfftView& f, const float* window, const float* const* bins, int n_valid,
                  float* work, float* out, size_t out_stride) {
    irfft_frames_t<float>(f, window, bins, n_valid, work, out, out_stride);
}

void irfft_frames64(const RfftView& f, const double* window, const double* const* bins,
                    int n_valid, double* work, double* out, size_t out_stride) {
    irfft_frames_t<double>(f, window, bins, n_valid, work, out, out_stride);
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
