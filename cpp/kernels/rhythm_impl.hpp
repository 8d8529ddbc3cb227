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
    const FftWork<double> buffers(f, fw);
    double* buf0 = buffers.buf0;
    double* buf1 = buffers.buf1;
    double* scratch = buffers.scratch;
    // samples 2j and 2j + 1 are the real and imaginary parts of point j (its complex row)
    transpose_frames64(frames, window, L, buf0);
    std::memset(buf0 + static_cast<size_t>(L) * W, 0, sizeof(double) * (static_cast<size_t>(f.n_fft) - L) * W);
    const double* z = complex_fft<double>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
    // split step to |X[k]|^2, written as real bins (imaginary rows 0)
    {
        double* p0 = X;
        double* pn = X + 2 * n * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const double a = z[l] + z[W + l], b = z[l] - z[W + l];
            p0[l] = a * a;
            pn[l] = b * b;
            X[W + l] = 0.0;
            pn[W + l] = 0.0;
        }
    }
    const double* split = f.split64;
    for (size_t k = 1; k < n; ++k) {
        const double c = split[2 * k], s = split[2 * k + 1];
        const double* ar = z + k * kRow;
        const double* ai = ar + W;
        const double* br = z + (n - k) * kRow;
        const double* bi = br + W;
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

// Raw (unnormalized) autocorrelations of frames t0 .. t0 + n - 1 of x under a periodic Hann
// window of L samples: out[s * L + k] = sum_{i < L - k} w[i] w[i + k] x[t + i] x[t + i + k],
// t = t0 + s. With w[i] = (1 - cos(theta i)) / 2, theta = 2 pi / L, the product
// w[i] w[i + k] is a + b cos(theta i) + c sin(theta i) + d cos(2 theta i) + e sin(2 theta i)
// (coefficients per lag k), so each lag needs five windowed sums of u[m] = x[m] x[m + k]:
// C0 = sum u, E_j = sum exp(i j theta i) u (j = 1, 2), computed directly for frame t0 and
// then carried to the next frame in O(1) per lag:
//   C0' = C0 - u[t] + u[t + L - k]
//   E_j' = exp(-i j theta) (E_j - u[t] + exp(-i j theta k) u[t + L - k])
// `x` has N samples, `xrev` is x reversed (xrev[j] = x[N - 1 - j]); frames need x up to
// t0 + n + L - 2. `tab` holds 13 L + 4 doubles (see cpp/rhythm.cpp), `st` 5 L doubles.
void hann_autocorr(const double* x, const double* xrev, int64_t N, int L, int64_t t0, int64_t n,
                   const double* tab, double* st, double* out) {
    const size_t l = static_cast<size_t>(L);
    const double* A = tab;
    const double* Bc = tab + l;
    const double* Cs = tab + 2 * l;
    const double* Dc = tab + 3 * l;
    const double* Es = tab + 4 * l;
    const double* F1r = tab + 5 * l;
    const double* F1i = tab + 6 * l;
    const double* F2r = tab + 7 * l;
    const double* F2i = tab + 8 * l;
    const double* c1 = tab + 9 * l;
    const double* s1 = tab + 10 * l;
    const double* c2 = tab + 11 * l;
    const double* s2 = tab + 12 * l;
    const double r1r = tab[13 * l], r1i = tab[13 * l + 1], r2r = tab[13 * l + 2],
                 r2i = tab[13 * l + 3];
    double* C0 = st;
    double* E1r = st + l;
    double* E1i = st + 2 * l;
    double* E2r = st + 3 * l;
    double* E2i = st + 4 * l;
    GX_SIMD for (int k = 0; k < L; ++k) {
        C0[k] = 0.0;
        E1r[k] = 0.0;
        E1i[k] = 0.0;
        E2r[k] = 0.0;
        E2i[k] = 0.0;
    }
    const double* xs = x + t0;
    for (int i = 0; i < L; ++i) {
        const double xi = xs[i];
        if (xi == 0.0) continue;
        const double a1 = c1[i] * xi, b1 = s1[i] * xi, a2 = c2[i] * xi, b2 = s2[i] * xi;
        const double* xk = xs + i;
        const int m = L - i;
        GX_SIMD for (int k = 0; k < m; ++k) {
            const double u = xk[k];
            C0[k] += xi * u;
            E1r[k] += a1 * u;
            E1i[k] += b1 * u;
            E2r[k] += a2 * u;
            E2i[k] += b2 * u;
        }
    }
    for (int64_t s = 0; s < n; ++s) {
        const int64_t t = t0 + s;
        double* o = out + static_cast<size_t>(s) * l;
        GX_SIMD for (int k = 0; k < L; ++k) {
            o[k] = A[k] * C0[k] + Bc[k] * E1r[k] + Cs[k] * E1i[k] + Dc[k] * E2r[k] + Es[k] * E2i[k];
        }
        if (s + 1 == n) break;
        const double xo = x[t], xl = x[t + L];
        const double* xk = x + t;                  // xk[k] = x[t + k]
        const double* xin = xrev + (N - 1 - t - L);  // xin[k] = x[t + L - k]
        GX_SIMD for (int k = 0; k < L; ++k) {
            const double uo = xo * xk[k], ui = xl * xin[k];
            C0[k] += ui - uo;
            const double ar = E1r[k] - uo + F1r[k] * ui, ai = E1i[k] + F1i[k] * ui;
            E1r[k] = r1r * ar - r1i * ai;
            E1i[k] = r1r * ai + r1i * ar;
            const double br = E2r[k] - uo + F2r[k] * ui, bi = E2i[k] + F2i[k] * ui;
            E2r[k] = r2r * br - r2i * bi;
            E2i[k] = r2r * bi + r2i * br;
        }
    }
}

// librosa.util.normalize(norm=np.inf) of n rows of L doubles: each row divided by its largest
// absolute value (left as is when that is below tiny).
void normalize_rows(double* rows, int64_t n, int L) {
    for (int64_t s = 0; s < n; ++s) {
        double* row = rows + static_cast<size_t>(s) * L;
        double m[W];
        GX_SIMD for (int l = 0; l < W; ++l) m[l] = 0.0;
        int k0 = 0;
        for (; k0 + W <= L; k0 += W) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                const double v = std::fabs(row[k0 + l]);
                m[l] = v > m[l] ? v : m[l];
            }
        }
        double mx = 0.0;
        for (int l = 0; l < W; ++l) mx = m[l] > mx ? m[l] : mx;
        for (int k = k0; k < L; ++k) mx = std::fabs(row[k]) > mx ? std::fabs(row[k]) : mx;
        if (mx < 2.2250738585072014e-308) mx = 1.0;
        GX_SIMD for (int k = 0; k < L; ++k) row[k] = row[k] / mx;
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
