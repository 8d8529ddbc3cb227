// The complex FFT of W frames in the lanes (mixed-radix Stockham chains, the float32 spectra's
// decimation-in-frequency split, Bluestein's algorithm for large prime factors). Included by
// kernels_impl.hpp into its per-level namespace, after W and the GX_ macros; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// ---------------------------------------------------------------------------------------------
// Complex FFT (Stockham autosort, mixed radix), W independent transforms in the lanes.
// Data: re[i * W + l], im[i * W + l]. Stage with radix R after ns merged points:
//   for j in [0, n / R): k = j % ns, v_r = x[j + r n / R] * w^(r k), V = DFT_R(v),
//   y[(j / ns) ns R + k + r ns] = V_r.
// ---------------------------------------------------------------------------------------------

// The small butterflies are forced inline into the stage loop: called per butterfly, their
// twiddle setup and call cost were ~25-35 % of an n_fft=2000 FFT (radix 5) and of Bluestein's
// 2^a 3^b convolutions (radix 3). (radix 8 measured the same either way; radix 4 inlines.)
#if defined(__GNUC__) || defined(__clang__)
#define GX_INLINE __attribute__((always_inline)) inline
#elif defined(_MSC_VER)
#define GX_INLINE __forceinline
#else
#define GX_INLINE inline
#endif

template <typename T> int chain_length(const RfftView& f);
template <> inline int chain_length<float>(const RfftView& f) { return f.n_stages; }
template <> inline int chain_length<double>(const RfftView& f) { return f.n_stages64; }
template <typename T> const FftStage* chain_stages(const RfftView& f);
template <> inline const FftStage* chain_stages<float>(const RfftView& f) { return f.stages; }
template <> inline const FftStage* chain_stages<double>(const RfftView& f) { return f.stages64; }

template <typename T> const T* stage_twiddles(const FftStage& s);
template <> inline const float* stage_twiddles<float>(const FftStage& s) { return s.twiddles; }
template <> inline const double* stage_twiddles<double>(const FftStage& s) { return s.twiddles64; }

template <typename T>
struct Ptrs {
    const T* GX_RESTRICT ir;
    const T* GX_RESTRICT ii;
    T* GX_RESTRICT orr;
    T* GX_RESTRICT oi;
};

template <typename T>
GX_INLINE void radix2(Ptrs<T> p, size_t in0, size_t in_stride, size_t out0, size_t out_stride,
                   const T* tw) {
    const T* ar = p.ir + in0;
    const T* ai = p.ii + in0;
    const T* br = p.ir + in0 + in_stride;
    const T* bi = p.ii + in0 + in_stride;
    T* o0r = p.orr + out0;
    T* o0i = p.oi + out0;
    T* o1r = p.orr + out0 + out_stride;
    T* o1i = p.oi + out0 + out_stride;
    if (tw == nullptr) {
        GX_SIMD for (int l = 0; l < W; ++l) {
            T xr = br[l], xi = bi[l];
            o0r[l] = ar[l] + xr;
            o0i[l] = ai[l] + xi;
            o1r[l] = ar[l] - xr;
            o1i[l] = ai[l] - xi;
        }
    } else {
        const T wr = tw[0], wi = tw[1];
        GX_SIMD for (int l = 0; l < W; ++l) {
            T xr = br[l] * wr - bi[l] * wi;
            T xi = br[l] * wi + bi[l] * wr;
            o0r[l] = ar[l] + xr;
            o0i[l] = ai[l] + xi;
            o1r[l] = ar[l] - xr;
            o1i[l] = ai[l] - xi;
        }
    }
}

template <typename T>
inline void radix4(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    const T* x0r = p.ir + in0;
    const T* x0i = p.ii + in0;
    const T* x1r = x0r + s;
    const T* x1i = x0i + s;
    const T* x2r = x0r + 2 * s;
    const T* x2i = x0i + 2 * s;
    const T* x3r = x0r + 3 * s;
    const T* x3i = x0i + 3 * s;
    T* y0r = p.orr + out0;
    T* y0i = p.oi + out0;
    T* y1r = y0r + os;
    T* y1i = y0i + os;
    T* y2r = y0r + 2 * os;
    T* y2i = y0i + 2 * os;
    T* y3r = y0r + 3 * os;
    T* y3i = y0i + 3 * os;
    if (tw == nullptr) {
        GX_SIMD for (int l = 0; l < W; ++l) {
            T a0r = x0r[l] + x2r[l], a0i = x0i[l] + x2i[l];
            T a1r = x0r[l] - x2r[l], a1i = x0i[l] - x2i[l];
            T a2r = x1r[l] + x3r[l], a2i = x1i[l] + x3i[l];
            T a3r = x1i[l] - x3i[l], a3i = x3r[l] - x1r[l];  // -i (x1 - x3)
            y0r[l] = a0r + a2r;
            y0i[l] = a0i + a2i;
            y2r[l] = a0r - a2r;
            y2i[l] = a0i - a2i;
            y1r[l] = a1r + a3r;
            y1i[l] = a1i + a3i;
            y3r[l] = a1r - a3r;
            y3i[l] = a1i - a3i;
        }
    } else {
        const T w1r = tw[0], w1i = tw[1], w2r = tw[2], w2i = tw[3], w3r = tw[4], w3i = tw[5];
        GX_SIMD for (int l = 0; l < W; ++l) {
            T b1r = x1r[l] * w1r - x1i[l] * w1i, b1i = x1r[l] * w1i + x1i[l] * w1r;
            T b2r = x2r[l] * w2r - x2i[l] * w2i, b2i = x2r[l] * w2i + x2i[l] * w2r;
            T b3r = x3r[l] * w3r - x3i[l] * w3i, b3i = x3r[l] * w3i + x3i[l] * w3r;
            T a0r = x0r[l] + b2r, a0i = x0i[l] + b2i;
            T a1r = x0r[l] - b2r, a1i = x0i[l] - b2i;
            T a2r = b1r + b3r, a2i = b1i + b3i;
            T a3r = b1i - b3i, a3i = b3r - b1r;
            y0r[l] = a0r + a2r;
            y0i[l] = a0i + a2i;
            y2r[l] = a0r - a2r;
            y2i[l] = a0i - a2i;
            y1r[l] = a1r + a3r;
            y1i[l] = a1i + a3i;
            y3r[l] = a1r - a3r;
            y3i[l] = a1i - a3i;
        }
    }
}

// Loads R inputs (twiddled) into the stack arrays vr/vi [R][W].
template <typename T>
inline void load_twiddled(Ptrs<T> p, int R, size_t in0, size_t s, const T* tw, T* vr,
                          T* vi) {
    for (int r = 0; r < R; ++r) {
        const T* xr = p.ir + in0 + r * s;
        const T* xi = p.ii + in0 + r * s;
        T* dr = vr + r * W;
        T* di = vi + r * W;
        if (r == 0 || tw == nullptr) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                dr[l] = xr[l];
                di[l] = xi[l];
            }
        } else {
            const T wr = tw[2 * (r - 1)], wi = tw[2 * (r - 1) + 1];
            GX_SIMD for (int l = 0; l < W; ++l) {
                dr[l] = xr[l] * wr - xi[l] * wi;
                di[l] = xr[l] * wi + xi[l] * wr;
            }
        }
    }
}

// Twiddle factors w^r (r < R) of one butterfly as separate arrays; all ones when tw is null.
template <typename T, int R>
inline void twiddles_of(const T* tw, T* wr, T* wi) {
    wr[0] = T(1);
    wi[0] = T(0);
    for (int r = 1; r < R; ++r) {
        wr[r] = tw ? tw[2 * (r - 1)] : T(1);
        wi[r] = tw ? tw[2 * (r - 1) + 1] : T(0);
    }
}

template <typename T>
GX_INLINE void radix3(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    T wr[3], wi[3];
    twiddles_of<T, 3>(tw, wr, wi);
    const T c = -T(0.5), sn = T(0.866025403784438647);  // exp(-2 pi i / 3) = c - i sn
    const T* xr = p.ir + in0;
    const T* xi = p.ii + in0;
    T* y0r = p.orr + out0;
    T* y0i = p.oi + out0;
    GX_SIMD for (int l = 0; l < W; ++l) {
        T vr[3], vi[3];
        for (int r = 0; r < 3; ++r) {
            const T a = xr[r * s + l], b = xi[r * s + l];
            vr[r] = a * wr[r] - b * wi[r];
            vi[r] = a * wi[r] + b * wr[r];
        }
        T tr = vr[1] + vr[2], ti = vi[1] + vi[2];
        T dr = vr[1] - vr[2], di = vi[1] - vi[2];
        T mr = vr[0] + c * tr, mi = vi[0] + c * ti;
        y0r[l] = vr[0] + tr;
        y0i[l] = vi[0] + ti;
        // -i sn d = (sn di, -sn dr)
        y0r[os + l] = mr + sn * di;
        y0i[os + l] = mi - sn * dr;
        y0r[2 * os + l] = mr - sn * di;
        y0i[2 * os + l] = mi + sn * dr;
    }
}

template <typename T>
GX_INLINE void radix5(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    T wr[5], wi[5];
    twiddles_of<T, 5>(tw, wr, wi);
    const T c1 = T(0.309016994374947424), c2 = -T(0.809016994374947424);
    const T s1 = T(0.951056516295153572), s2 = T(0.587785252292473129);
    const T* xr = p.ir + in0;
    const T* xi = p.ii + in0;
    T* y0r = p.orr + out0;
    T* y0i = p.oi + out0;
    GX_SIMD for (int l = 0; l < W; ++l) {
        T vr[5], vi[5];
        for (int r = 0; r < 5; ++r) {
            const T a = xr[r * s + l], b = xi[r * s + l];
            vr[r] = a * wr[r] - b * wi[r];
            vi[r] = a * wi[r] + b * wr[r];
        }
        T a1r = vr[1] + vr[4], a1i = vi[1] + vi[4];
        T b1r = vr[1] - vr[4], b1i = vi[1] - vi[4];
        T a2r = vr[2] + vr[3], a2i = vi[2] + vi[3];
        T b2r = vr[2] - vr[3], b2i = vi[2] - vi[3];
        y0r[l] = vr[0] + a1r + a2r;
        y0i[l] = vi[0] + a1i + a2i;
        T m1r = vr[0] + c1 * a1r + c2 * a2r, m1i = vi[0] + c1 * a1i + c2 * a2i;
        T m2r = vr[0] + c2 * a1r + c1 * a2r, m2i = vi[0] + c2 * a1i + c1 * a2i;
        T n1r = s1 * b1r + s2 * b2r, n1i = s1 * b1i + s2 * b2i;  // X1 = m1 - i n1
        T n2r = s2 * b1r - s1 * b2r, n2i = s2 * b1i - s1 * b2i;  // X2 = m2 - i n2
        y0r[os + l] = m1r + n1i;
        y0i[os + l] = m1i - n1r;
        y0r[4 * os + l] = m1r - n1i;
        y0i[4 * os + l] = m1i + n1r;
        y0r[2 * os + l] = m2r + n2i;
        y0i[2 * os + l] = m2i - n2r;
        y0r[3 * os + l] = m2r - n2i;
        y0i[3 * os + l] = m2i + n2r;
    }
}

// Radix-8 butterflies. kPost = false (Stockham, decimation in time): inputs r times w^r, then
// the DFT. kPost = true (decimation in frequency): the DFT, then output q times w^q (a null tw
// gives w = 1, whose products are exact).
template <typename T, bool kPost = false>
inline void radix8(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    T wr[8], wi[8];
    twiddles_of<T, 8>(tw, wr, wi);
    const bool twiddled = !kPost && tw != nullptr;
    const T h = T(0.707106781186547524);  // 1 / sqrt(2)
    const T* xr = p.ir + in0;
    const T* xi = p.ii + in0;
    T* yr = p.orr + out0;
    T* yi = p.oi + out0;
    GX_SIMD for (int l = 0; l < W; ++l) {
        T vr[8], vi[8];
        for (int r = 0; r < 8; ++r) {
            const T a = xr[r * s + l], b = xi[r * s + l];
            vr[r] = twiddled ? a * wr[r] - b * wi[r] : a;
            vi[r] = twiddled ? a * wi[r] + b * wr[r] : b;
        }
        // DFT4 of the even inputs (0, 2, 4, 6) and of the odd ones (1, 3, 5, 7)
        T e0r = vr[0] + vr[4], e0i = vi[0] + vi[4];
        T e1r = vr[0] - vr[4], e1i = vi[0] - vi[4];
        T e2r = vr[2] + vr[6], e2i = vi[2] + vi[6];
        T e3r = vi[2] - vi[6], e3i = vr[6] - vr[2];  // -i (v2 - v6)
        const T E0r = e0r + e2r, E0i = e0i + e2i;
        const T E2r = e0r - e2r, E2i = e0i - e2i;
        const T E1r = e1r + e3r, E1i = e1i + e3i;
        const T E3r = e1r - e3r, E3i = e1i - e3i;
        T o0r = vr[1] + vr[5], o0i = vi[1] + vi[5];
        T o1r = vr[1] - vr[5], o1i = vi[1] - vi[5];
        T o2r = vr[3] + vr[7], o2i = vi[3] + vi[7];
        T o3r = vi[3] - vi[7], o3i = vr[7] - vr[3];  // -i (v3 - v7)
        const T O0r = o0r + o2r, O0i = o0i + o2i;
        const T O2r = o0r - o2r, O2i = o0i - o2i;
        T O1r = o1r + o3r, O1i = o1i + o3i;
        T O3r = o1r - o3r, O3i = o1i - o3i;
        // twiddles w8^q: O1 (1 - i) / sqrt2, O2 -i, O3 (-1 - i) / sqrt2
        const T t1r = h * (O1r + O1i), t1i = h * (O1i - O1r);
        const T t2r = O2i, t2i = -O2r;
        const T t3r = h * (O3i - O3r), t3i = -h * (O3r + O3i);
        if constexpr (kPost) {
            const T zr[8] = {E0r + O0r, E1r + t1r, E2r + t2r, E3r + t3r,
                             E0r - O0r, E1r - t1r, E2r - t2r, E3r - t3r};
            const T zi[8] = {E0i + O0i, E1i + t1i, E2i + t2i, E3i + t3i,
                             E0i - O0i, E1i - t1i, E2i - t2i, E3i - t3i};
            for (int q = 0; q < 8; ++q) {
                yr[q * os + l] = zr[q] * wr[q] - zi[q] * wi[q];
                yi[q * os + l] = zr[q] * wi[q] + zi[q] * wr[q];
            }
        } else {
            yr[l] = E0r + O0r;
            yi[l] = E0i + O0i;
            yr[4 * os + l] = E0r - O0r;
            yi[4 * os + l] = E0i - O0i;
            yr[os + l] = E1r + t1r;
            yi[os + l] = E1i + t1i;
            yr[5 * os + l] = E1r - t1r;
            yi[5 * os + l] = E1i - t1i;
            yr[2 * os + l] = E2r + t2r;
            yi[2 * os + l] = E2i + t2i;
            yr[6 * os + l] = E2r - t2r;
            yi[6 * os + l] = E2i - t2i;
            yr[3 * os + l] = E3r + t3r;
            yi[3 * os + l] = E3i + t3i;
            yr[7 * os + l] = E3r - t3r;
            yi[7 * os + l] = E3i - t3i;
        }
    }
}

// Any radix (odd primes above 5): a direct DFT. vr/vi scratch of radix * W floats each.
template <typename T>
inline void radix_generic(Ptrs<T> p, int R, size_t in0, size_t s, size_t out0, size_t os,
                          const T* tw, const double* roots, T* vr, T* vi) {
    // A direct DFT: sums of R terms, accumulated in float64 (a float32 sum of a large prime's
    // terms would lose ~sqrt(R) ulps), with float64 roots of unity.
    load_twiddled(p, R, in0, s, tw, vr, vi);
    for (int q = 0; q < R; ++q) {
        double ar[W], ai[W];
        GX_SIMD for (int l = 0; l < W; ++l) {
            ar[l] = static_cast<double>(vr[l]);
            ai[l] = static_cast<double>(vi[l]);
        }
        for (int r = 1; r < R; ++r) {
            const int e = static_cast<int>((static_cast<long long>(q) * r) % R);
            const double wr = roots[2 * e], wi = roots[2 * e + 1];
            const T* xr = vr + r * W;
            const T* xi = vi + r * W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                ar[l] += static_cast<double>(xr[l]) * wr - static_cast<double>(xi[l]) * wi;
                ai[l] += static_cast<double>(xr[l]) * wi + static_cast<double>(xi[l]) * wr;
            }
        }
        T* yr = p.orr + out0 + q * os;
        T* yi = p.oi + out0 + q * os;
        GX_SIMD for (int l = 0; l < W; ++l) {
            yr[l] = static_cast<T>(ar[l]);
            yi[l] = static_cast<T>(ai[l]);
        }
    }
}

// Runs a chain of stages over n points (W lanes each).
// Stage 0 reads (in_re, in_im) with `in_stride` elements between points; every stage writes to
// the other buffer pair. Returns which pair (0: r0/i0, 1: r1/i1) holds the result.
template <typename T>
int run_chain(size_t n, const FftStage* stages, int n_stages, const T* in_re, const T* in_im,
              size_t in_stride, T* r0, T* i0, T* r1, T* i1, T* scratch) {
    int cur = 0;
    for (int st = 0; st < n_stages; ++st) {
        const FftStage& stage = stages[st];
        const int R = stage.radix;
        const size_t ns = static_cast<size_t>(stage.ns);
        const size_t m = n / R;
        Ptrs<T> p = cur == 0 ? Ptrs<T>{r0, i0, r1, i1} : Ptrs<T>{r1, i1, r0, i0};
        size_t ps = W;
        if (st == 0) {
            p.ir = in_re;
            p.ii = in_im;
            ps = in_stride;
        }
        for (size_t j0 = 0; j0 < m; j0 += ns) {
            for (size_t k = 0; k < ns; ++k) {
                const size_t j = j0 + k;
                const T* tw = k == 0 ? nullptr : stage_twiddles<T>(stage) + 2 * (R - 1) * k;
                const size_t in0 = j * ps, s = m * ps;
                const size_t out0 = (j0 * R + k) * W, os = ns * W;
                switch (R) {
                    case 8: radix8(p, in0, s, out0, os, tw); break;
                    case 4: radix4(p, in0, s, out0, os, tw); break;
                    case 2: radix2(p, in0, s, out0, os, tw); break;
                    case 3: radix3(p, in0, s, out0, os, tw); break;
                    case 5: radix5(p, in0, s, out0, os, tw); break;
                    default:
                        radix_generic(p, R, in0, s, out0, os, tw, stage.roots64, scratch,
                                      scratch + static_cast<size_t>(R) * W);
                }
            }
        }
        cur ^= 1;
    }
    return cur;
}

// The plan's complex FFT of all W lanes (float32: its radix-8 chain; float64: radix 4).
template <typename T>
int bluestein_fft(const RfftView& f, const T* in_re, const T* in_im, size_t in_stride, T* r0,
                  T* i0, T* scratch);

template <typename T>
int complex_fft(const RfftView& f, const T* in_re, const T* in_im, size_t in_stride,
                T* r0, T* i0, T* r1, T* i1, T* scratch) {
    if (f.blue_sub != nullptr) return bluestein_fft<T>(f, in_re, in_im, in_stride, r0, i0, scratch);
    return run_chain<T>(static_cast<size_t>(f.n_complex), chain_stages<T>(f), chain_length<T>(f),
                        in_re, in_im, in_stride, r0, i0, r1, i1, scratch);
}

template <typename T> const T* blue_table(const double* t64, const float* t32);
template <> inline const float* blue_table<float>(const double*, const float* t32) { return t32; }
template <> inline const double* blue_table<double>(const double* t64, const float*) { return t64; }

// Bluestein's chirp-z transform of n points (any n): with b[j] = exp(-pi i j^2 / n),
// X[k] = b[k] sum_j (x[j] b[j]) conj(b[k - j]), a circular convolution of M >= 2n - 1 points
// (M = 2^a 3^b 5^c)
// done as conj(FFT_M(conj(FFT_M(a) * K))) with K = FFT_M(conj(b)) / M from the plan. The four
// M-point buffers live in `scratch`; the result goes to (r0, i0) (returns 0).
template <typename T>
int bluestein_fft(const RfftView& f, const T* in_re, const T* in_im, size_t in_stride, T* r0,
                  T* i0, T* scratch) {
    const RfftView& sub = *f.blue_sub;
    const size_t n = static_cast<size_t>(f.n_complex), M = static_cast<size_t>(sub.n_complex);
    const T* chirp = blue_table<T>(f.blue_chirp64, f.blue_chirp);
    const T* kern = blue_table<T>(f.blue_kernel64, f.blue_kernel);
    T* pr = scratch;
    T* pi = pr + M * W;
    T* qr = pi + M * W;
    T* qi = qr + M * W;
    for (size_t j = 0; j < n; ++j) {
        const T br = chirp[2 * j], bi = chirp[2 * j + 1];
        const T* xr = in_re + j * in_stride;
        const T* xi = in_im + j * in_stride;
        GX_SIMD for (int l = 0; l < W; ++l) {
            pr[j * W + l] = xr[l] * br - xi[l] * bi;
            pi[j * W + l] = xr[l] * bi + xi[l] * br;
        }
    }
    std::memset(pr + n * W, 0, (M - n) * W * sizeof(T));
    std::memset(pi + n * W, 0, (M - n) * W * sizeof(T));
    const FftStage* stages = chain_stages<T>(sub);
    const int n_stages = chain_length<T>(sub);
    // (M's chain has radices 8, 4, 2, 3, 5 only: no direct-DFT scratch)
    int which = run_chain<T>(M, stages, n_stages, pr, pi, W, pr, pi, qr, qi, nullptr);
    T* ar = which == 0 ? pr : qr;
    T* ai = which == 0 ? pi : qi;
    for (size_t k = 0; k < M; ++k) {
        const T kr = kern[2 * k], ki = kern[2 * k + 1];
        T* GX_RESTRICT zr = ar + k * W;
        T* GX_RESTRICT zi = ai + k * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const T yr = zr[l] * kr - zi[l] * ki, yi = zr[l] * ki + zi[l] * kr;
            zr[l] = yr;
            zi[l] = -yi;
        }
    }
    T* br_ = which == 0 ? qr : pr;
    T* bi_ = which == 0 ? qi : pi;
    which = run_chain<T>(M, stages, n_stages, ar, ai, W, ar, ai, br_, bi_, nullptr);
    const T* rr = which == 0 ? ar : br_;
    const T* ri = which == 0 ? ai : bi_;
    for (size_t k = 0; k < n; ++k) {
        const T cr = chirp[2 * k], ci = chirp[2 * k + 1];
        GX_SIMD for (int l = 0; l < W; ++l) {
            const T vr = rr[k * W + l], vi = -ri[k * W + l];  // conj
            r0[k * W + l] = vr * cr - vi * ci;
            i0[k * W + l] = vr * ci + vi * cr;
        }
    }
    return 0;
}

template <typename T> const T* dif_twiddles(const RfftView& f);
template <> inline const float* dif_twiddles<float>(const RfftView& f) { return f.dif_tw; }
template <> inline const double* dif_twiddles<double>(const RfftView& f) { return f.dif_tw64; }

// The complex FFT of n = 8 m points as one radix-8 decimation-in-frequency pass over the
// whole block (x[j + r m] -> sub-sequence q, point j), then 8 independent m-point Stockham FFTs,
// each small enough to stay in L1 between its stages. Point k of the result is point k / 8 of
// sub-sequence k % 8 (dif_row). The pass writes (r1, i1); returns which pair (0: r0/i0, 1:
// r1/i1) holds the result.
template <typename T>
int complex_fft_dif(const RfftView& f, const T* in_re, const T* in_im, size_t in_stride,
                    T* r0, T* i0, T* r1, T* i1, T* scratch) {
    const RfftView& sub = *f.dif_sub;
    const size_t m = static_cast<size_t>(sub.n_complex);
    const T* tw = dif_twiddles<T>(f);
    const Ptrs<T> p{in_re, in_im, r1, i1};
    for (size_t j = 0; j < m; ++j) {
        radix8<T, true>(p, j * in_stride, m * in_stride, j * W, m * W, j == 0 ? nullptr : tw + 14 * j);
    }
    int which = 1;
    for (size_t q = 0; q < 8; ++q) {
        const size_t off = q * m * W;
        // run_chain: 0 = its first pair (here r1, i1), 1 = its second (r0, i0)
        which = run_chain<T>(m, sub.stages, sub.n_stages, r1 + off, i1 + off, W, r1 + off,
                             i1 + off, r0 + off, i0 + off, scratch) == 0
                    ? 1
                    : 0;
    }
    return which;
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
