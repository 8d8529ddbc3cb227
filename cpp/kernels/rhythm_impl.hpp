// Kernels of the tempo estimate (librosa.feature.tempogram's local autocorrelation). Included
// at the very end of kernels_impl.hpp, into the same per-level namespace.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// ac[k] = sum_{i < L - k} x[i] x[i + k] for k < L, in float64 (the inner loop runs over the
// lags, contiguous, one broadcast multiply-add per sample).
void autocorrelate(const double* x, int L, double* ac) {
    GX_SIMD for (int k = 0; k < L; ++k) ac[k] = 0.0;
    for (int i = 0; i < L; ++i) {
        const double xi = x[i];
        if (xi == 0.0) continue;
        const double* xs = x + i;
        const int m = L - i;
        GX_SIMD for (int k = 0; k < m; ++k) ac[k] += xi * xs[k];
    }
}

// The normalized autocorrelations of W frames at once, as librosa.feature.tempogram computes
// them (float64 FFT of the zero-padded windowed frame, |X|^2, inverse FFT): frames[l] points at
// L float32 envelope samples (l < n_valid), `window` has L float64 values, and the plan's
// n_fft (even, >= 2 L - 1) makes the circular autocorrelation linear. out[k * W + l], k < L,
// is divided by the frame's largest |ac| (left as is when that is below tiny, like
// librosa.util.normalize(norm=np.inf)). work: 2 * (n_bins + 1) * W + work_floats(W) doubles.
void autocorr_frames64(const RfftView& f, const double* window, const float* const* frames_in,
                       int L, int n_valid, double* work, double* out) {
    const size_t n = static_cast<size_t>(f.n_complex);
    const float* frames[W];
    for (int l = 0; l < W; ++l) frames[l] = frames_in[l < n_valid ? l : 0];
    double* X = work;
    double* fw = work + 2 * static_cast<size_t>(f.n_bins + 1) * W;
    const size_t span = n * W + kFftBufferPad;
    double* r0 = fw;
    double* i0 = fw + span;
    double* r1 = fw + 2 * span;
    double* i1 = fw + 3 * span;
    double* scratch = fw + 4 * span;
    // samples 2j and 2j + 1 are the real and imaginary parts of point j (rows interleaved)
    transpose_frames64(frames, window, L, r0);
    std::memset(r0 + static_cast<size_t>(L) * W, 0, sizeof(double) * (static_cast<size_t>(f.n_fft) - L) * W);
    const int which = complex_fft<double>(f, r0, r0 + W, 2 * W, r0, i0, r1, i1, scratch);
    const double* zr;
    const double* zi;
    if (chain_length<double>(f) == 0) {
        zr = r0;
        zi = r0 + W;
    } else {
        zr = which == 0 ? r0 : r1;
        zi = which == 0 ? i0 : i1;
    }
    // split step to |X[k]|^2, written as real bins (imaginary rows 0)
    {
        double* p0 = X;
        double* pn = X + 2 * n * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const double a = zr[l] + zi[l], b = zr[l] - zi[l];
            p0[l] = a * a;
            pn[l] = b * b;
            X[W + l] = 0.0;
            pn[W + l] = 0.0;
        }
    }
    const double* split = f.split64;
    for (size_t k = 1; k < n; ++k) {
        const double c = split[2 * k], s = split[2 * k + 1];
        const double* ar = zr + k * W;
        const double* ai = zi + k * W;
        const double* br = zr + (n - k) * W;
        const double* bi = zi + (n - k) * W;
        double* pr = X + 2 * k * W;
        double* pi = pr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const double er = 0.5 * (ar[l] + br[l]), ei = 0.5 * (ai[l] - bi[l]);
            const double orr = 0.5 * (ar[l] - br[l]), oi = 0.5 * (ai[l] + bi[l]);
            const double xr = er + (oi * c + orr * s), xi = ei + (oi * s - orr * c);
            pr[l] = xr * xr + xi * xi;
            pi[l] = 0.0;
        }
    }
    const double* x = irfft_lanes_t<double>(f, X, fw);
    double m[W];
    GX_SIMD for (int l = 0; l < W; ++l) m[l] = 0.0;
    for (int k = 0; k < L; ++k) {
        const double* r = x + static_cast<size_t>(k) * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const double v = std::fabs(r[l]);
            m[l] = v > m[l] ? v : m[l];
        }
    }
    GX_SIMD for (int l = 0; l < W; ++l) m[l] = m[l] < 2.2250738585072014e-308 ? 1.0 : m[l];
    for (int k = 0; k < L; ++k) {
        const double* r = x + static_cast<size_t>(k) * W;
        double* o = out + static_cast<size_t>(k) * W;
        GX_SIMD for (int l = 0; l < W; ++l) o[l] = r[l] / m[l];
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
