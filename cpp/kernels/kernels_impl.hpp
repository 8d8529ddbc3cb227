// The kernels, written once as plain loops over W lanes (frames) that the compiler vectorizes for
// the ISA of the translation unit that includes this file. Include it only from
// cpp/kernels/level_*.cpp after defining GENREFX_LEVEL (a namespace name) and GENREFX_LANES.
//
// Rules: no allocation, no std:: templates that other translation units could also instantiate
// (their code would be merged across ISAs), no calls to inline functions of shared headers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/kernel_table.hpp"

#if !defined(GENREFX_LEVEL) || !defined(GENREFX_LANES)
#error "define GENREFX_LEVEL and GENREFX_LANES before including kernels_impl.hpp"
#endif

#define GX_SIMD _Pragma("omp simd")
#define GX_RESTRICT __restrict__

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

constexpr int W = GENREFX_LANES;

// ---------------------------------------------------------------------------------------------
// Complex FFT (Stockham autosort, mixed radix), W independent transforms in the lanes.
// Data: re[i * W + l], im[i * W + l]. Stage with radix R after ns merged points:
//   for j in [0, n / R): k = j % ns, v_r = x[j + r n / R] * w^(r k), V = DFT_R(v),
//   y[(j / ns) ns R + k + r ns] = V_r.
// ---------------------------------------------------------------------------------------------

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
inline void radix2(Ptrs<T> p, size_t in0, size_t in_stride, size_t out0, size_t out_stride,
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
inline void radix3(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
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
inline void radix5(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
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

#if defined(__AVX512F__)
// In-register 16 x 16 transpose: afterwards r[c] holds element c of every input row (lane l =
// input row l).
inline void transpose16(__m512* r) {
    __m512 t[16];
    for (int l = 0; l < 16; l += 2) {
        t[l] = _mm512_unpacklo_ps(r[l], r[l + 1]);
        t[l + 1] = _mm512_unpackhi_ps(r[l], r[l + 1]);
    }
    for (int l = 0; l < 16; l += 4) {
        r[l] = _mm512_shuffle_ps(t[l], t[l + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[l + 1] = _mm512_shuffle_ps(t[l], t[l + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[l + 2] = _mm512_shuffle_ps(t[l + 1], t[l + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[l + 3] = _mm512_shuffle_ps(t[l + 1], t[l + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // r[4a + b] holds, in each 128-bit quarter q, element 4q + b of rows 4a..4a+3
    for (int a = 0; a < 4; a += 2) {
        for (int b = 0; b < 4; ++b) {
            t[4 * a + b] = _mm512_shuffle_f32x4(r[4 * a + b], r[4 * (a + 1) + b], 0x88);
            t[4 * (a + 1) + b] = _mm512_shuffle_f32x4(r[4 * a + b], r[4 * (a + 1) + b], 0xdd);
        }
    }
    // t[b] = [q0 rows 0-3, q2 rows 0-3, q0 rows 4-7, q2 rows 4-7]; t[8 + b] the same for rows
    // 8-15; t[4 + b] / t[12 + b] quarters 1 and 3
    for (int b = 0; b < 4; ++b) {
        const __m512 lo0 = t[b], hi0 = t[4 + b], lo1 = t[8 + b], hi1 = t[12 + b];
        r[b] = _mm512_shuffle_f32x4(lo0, lo1, 0x88);
        r[8 + b] = _mm512_shuffle_f32x4(lo0, lo1, 0xdd);
        r[4 + b] = _mm512_shuffle_f32x4(hi0, hi1, 0x88);
        r[12 + b] = _mm512_shuffle_f32x4(hi0, hi1, 0xdd);
    }
}
#endif

// x[i * W + l] = frames[l][i] * window[i] for i < len (window null: 1): a blocked transpose
// into the lanes.
inline void transpose_frames(const float* const* frames, const float* window, int len, float* x) {
    int i0 = 0;
#if defined(__AVX512F__)
    static_assert(W == 16, "the AVX-512 transpose assumes 16 lanes");
    for (; i0 + 16 <= len; i0 += 16) {
        const __m512 w = window ? _mm512_loadu_ps(window + i0) : _mm512_set1_ps(1.0f);
        __m512 r[16];
        for (int l = 0; l < 16; ++l) r[l] = _mm512_mul_ps(_mm512_loadu_ps(frames[l] + i0), w);
        transpose16(r);
        for (int c = 0; c < 16; ++c) _mm512_storeu_ps(x + static_cast<size_t>(i0 + c) * W, r[c]);
    }
#elif defined(__AVX2__)
    static_assert(W == 8, "the AVX2 transpose assumes 8 lanes");
    for (; i0 + 8 <= len; i0 += 8) {
        const __m256 w = window ? _mm256_loadu_ps(window + i0) : _mm256_set1_ps(1.0f);
        __m256 r[8], t[8];
        for (int l = 0; l < 8; ++l) r[l] = _mm256_mul_ps(_mm256_loadu_ps(frames[l] + i0), w);
        for (int l = 0; l < 8; l += 2) {
            t[l] = _mm256_unpacklo_ps(r[l], r[l + 1]);
            t[l + 1] = _mm256_unpackhi_ps(r[l], r[l + 1]);
        }
        for (int l = 0; l < 8; l += 4) {
            r[l] = _mm256_shuffle_ps(t[l], t[l + 2], _MM_SHUFFLE(1, 0, 1, 0));
            r[l + 1] = _mm256_shuffle_ps(t[l], t[l + 2], _MM_SHUFFLE(3, 2, 3, 2));
            r[l + 2] = _mm256_shuffle_ps(t[l + 1], t[l + 3], _MM_SHUFFLE(1, 0, 1, 0));
            r[l + 3] = _mm256_shuffle_ps(t[l + 1], t[l + 3], _MM_SHUFFLE(3, 2, 3, 2));
        }
        // r[b] (b < 4): samples b and 4 + b of lanes 0-3; r[4 + b]: the same for lanes 4-7.
        for (int b = 0; b < 4; ++b) {
            _mm256_storeu_ps(x + static_cast<size_t>(i0 + b) * W, _mm256_permute2f128_ps(r[b], r[4 + b], 0x20));
            _mm256_storeu_ps(x + static_cast<size_t>(i0 + 4 + b) * W, _mm256_permute2f128_ps(r[b], r[4 + b], 0x31));
        }
    }
#endif
    for (; i0 < len; ++i0) {
        const float w = window ? window[i0] : 1.0f;
        for (int l = 0; l < W; ++l) x[static_cast<size_t>(i0) * W + l] = frames[l][i0] * w;
    }
}

// x[i * W + l] = frames[l][i] * window[i] in float64 (the products are exact in float64, as
// librosa's): the float transpose of a chunk of rows into an L1-resident buffer, then a widening
// multiply.
inline void transpose_frames64(const float* const* frames, const double* window, int len,
                               double* x) {
    constexpr int kChunk = 64;
    alignas(64) float rows[kChunk * W];
    const float* at[W];
    for (int i0 = 0; i0 < len; i0 += kChunk) {
        const int m = len - i0 < kChunk ? len - i0 : kChunk;
        for (int l = 0; l < W; ++l) at[l] = frames[l] + i0;
        transpose_frames(at, nullptr, m, rows);
        for (int i = 0; i < m; ++i) {
            const double w = window[i0 + i];
            const float* src = rows + static_cast<size_t>(i) * W;
            double* dst = x + static_cast<size_t>(i0 + i) * W;
            GX_SIMD for (int l = 0; l < W; ++l) dst[l] = static_cast<double>(src[l]) * w;
        }
    }
}

// Windowed frames into lanes at x.
inline void transpose_any(const float* const* frames, const float* window, int len, float* x) {
    transpose_frames(frames, window, len, x);
}
inline void transpose_any(const float* const* frames, const double* window, int len, double* x) {
    transpose_frames64(frames, window, len, x);
}
inline const float* split_table(const RfftView& f, const float*) { return f.split; }
inline const double* split_table(const RfftView& f, const double*) { return f.split64; }

// ---------------------------------------------------------------------------------------------
// Spectrum of W frames: window, transpose into lanes, FFT, split to the real spectrum; computed
// in T (float, or double like librosa) and rounded to float32 outputs.
// ---------------------------------------------------------------------------------------------
#if defined(__AVX512F__)
// In-register transpose of an 8 x 8 matrix of 64-bit elements: afterwards r[e] holds element e
// of every input row (lane c = input row c).
inline void transpose8x64(__m512d* r) {
    __m512d t[8];
    for (int c = 0; c < 8; c += 2) {
        t[c] = _mm512_unpacklo_pd(r[c], r[c + 1]);      // r_c[0] r_c+1[0] r_c[2] r_c+1[2] ...
        t[c + 1] = _mm512_unpackhi_pd(r[c], r[c + 1]);  // r_c[1] r_c+1[1] r_c[3] ...
    }
    const __m512i even = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i odd = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    __m512d u[8];
    for (int h = 0; h < 8; h += 4) {  // rows 0-3, then rows 4-7
        u[h] = _mm512_permutex2var_pd(t[h], even, t[h + 2]);      // elements 0 and 4
        u[h + 1] = _mm512_permutex2var_pd(t[h], odd, t[h + 2]);   // 2 and 6
        u[h + 2] = _mm512_permutex2var_pd(t[h + 1], even, t[h + 3]);  // 1 and 5
        u[h + 3] = _mm512_permutex2var_pd(t[h + 1], odd, t[h + 3]);   // 3 and 7
    }
    r[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x44);
    r[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xEE);
    r[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x44);
    r[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xEE);
    r[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x44);
    r[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xEE);
    r[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x44);
    r[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xEE);
}
#endif

// Collects a block's bins in order and writes them to a frame-major complex64 output (librosa's
// Fortran-ordered STFT: frame l's bin k at out[2 * (l * frame_stride + k)]), 8 bins at a time,
// transposed so that each frame gets one contiguous 64-byte store instead of 8-byte scatters.
// The producer writes each bin straight into the tile (re_slot / im_slot), then commits it.
class ComplexWriter {
public:
    ComplexWriter(float* out, size_t frame_stride, int n_valid)
        : out_(out), stride_(frame_stride), n_valid_(n_valid) {}

    float* re_slot() { return re_[count_]; }
    float* im_slot() { return im_[count_]; }
    void commit() {
        if (++count_ == kTile) flush();
    }

    void flush() {
        if (count_ == 0) return;
#if defined(__AVX512F__)
        if (count_ == kTile && n_valid_ == W) {
            // (re, im) pairs of bin c: a[c] for frames 0 1 4 5 8 9 12 13, b[c] for 2 3 6 7 ...
            __m512d a[8], b[8];
            for (int c = 0; c < 8; ++c) {
                const __m512 re = _mm512_load_ps(re_[c]);
                const __m512 im = _mm512_load_ps(im_[c]);
                a[c] = _mm512_castps_pd(_mm512_unpacklo_ps(re, im));
                b[c] = _mm512_castps_pd(_mm512_unpackhi_ps(re, im));
            }
            transpose8x64(a);  // a[e]: the 8 bins of frame kFramesA[e]
            transpose8x64(b);
            static constexpr int kFramesA[8] = {0, 1, 4, 5, 8, 9, 12, 13};
            for (int e = 0; e < 8; ++e) {
                const size_t fa = static_cast<size_t>(kFramesA[e]);
                _mm512_storeu_pd(reinterpret_cast<double*>(out_ + 2 * (fa * stride_ + k0_)), a[e]);
                _mm512_storeu_pd(reinterpret_cast<double*>(out_ + 2 * ((fa + 2) * stride_ + k0_)), b[e]);
            }
            k0_ += count_;
            count_ = 0;
            return;
        }
#endif
        for (int l = 0; l < n_valid_; ++l) {
            float* o = out_ + 2 * (static_cast<size_t>(l) * stride_ + k0_);
            for (int c = 0; c < count_; ++c) {
                o[2 * c] = re_[c][l];
                o[2 * c + 1] = im_[c][l];
            }
        }
        k0_ += count_;
        count_ = 0;
    }

private:
    static constexpr int kTile = 8;
    float* out_;
    size_t stride_;
    int n_valid_;
    size_t k0_ = 0;
    int count_ = 0;
    alignas(64) float re_[kTile][W];
    alignas(64) float im_[kTile][W];
};

// What a SpectrumOut asks for, as bits of a compile-time sink mode.
enum : unsigned { kOutComplex = 1, kOutMag = 2, kOutPow = 4, kOutReIm = 8 };

inline unsigned sink_mode(const SpectrumOut& out) {
    return (out.complex_out != nullptr ? kOutComplex : 0u) | (out.mag != nullptr ? kOutMag : 0u) |
           (out.pow != nullptr ? kOutPow : 0u) | (out.re != nullptr ? kOutReIm : 0u);
}

// Takes a block's bins in order, rounded to float32 by the producer straight into re(k) /
// im(k), and on commit(k) writes what the mode asks for.
template <unsigned Mode>
class BinSink {
public:
    BinSink(const SpectrumOut& out, int n_valid)
        : writer_(out.complex_out, out.frame_stride, n_valid), out_(out) {}

    float* re(int k) {
        if constexpr ((Mode & kOutReIm) != 0) return out_.re + static_cast<size_t>(k) * W;
        if constexpr ((Mode & kOutComplex) != 0) return writer_.re_slot();
        return re_;
    }
    float* im(int k) {
        if constexpr ((Mode & kOutReIm) != 0) return out_.im + static_cast<size_t>(k) * W;
        if constexpr ((Mode & kOutComplex) != 0) return writer_.im_slot();
        return im_;
    }

    void commit(int k) {
        const float* GX_RESTRICT xr = re(k);
        const float* GX_RESTRICT xi = im(k);
        if constexpr ((Mode & kOutMag) != 0 || (Mode & kOutPow) != 0) {
            float* GX_RESTRICT m = (Mode & kOutMag) != 0 ? out_.mag + static_cast<size_t>(k) * W : nullptr;
            float* GX_RESTRICT p = (Mode & kOutPow) != 0 ? out_.pow + static_cast<size_t>(k) * W : nullptr;
            GX_SIMD for (int l = 0; l < W; ++l) {
                const float v = std::sqrt(xr[l] * xr[l] + xi[l] * xi[l]);
                if constexpr ((Mode & kOutMag) != 0) m[l] = v;
                if constexpr ((Mode & kOutPow) != 0) p[l] = v * v;  // librosa squares the float32 magnitude
            }
        }
        if constexpr ((Mode & kOutComplex) != 0) {
            if constexpr ((Mode & kOutReIm) != 0) {
                float* GX_RESTRICT wr = writer_.re_slot();
                float* GX_RESTRICT wi = writer_.im_slot();
                GX_SIMD for (int l = 0; l < W; ++l) {
                    wr[l] = xr[l];
                    wi[l] = xi[l];
                }
            }
            writer_.commit();
        }
    }

    void finish() {
        if constexpr ((Mode & kOutComplex) != 0) writer_.flush();
    }

private:
    ComplexWriter writer_;
    const SpectrumOut& out_;
    alignas(64) float re_[W];
    alignas(64) float im_[W];
};

// The real spectrum of the lanes' complex FFT result (zr, zi), through a sink of mode Mode.
// even: the FFT was of n_fft / 2 points packing sample pairs, and the split step unpacks it;
// otherwise it was a full n_fft-point FFT of real input, whose first n_bins bins are the answer.
// dif_m > 0: the FFT ran as complex_fft_dif with m = dif_m, and point k is in row dif_row(k).
inline size_t dif_row(size_t k, size_t m) { return (k & 7) * m + (k >> 3); }

template <typename T, unsigned Mode>
void emit_bins(const RfftView& f, const T* zr, const T* zi, bool even, size_t dif_m,
               const T* split, const SpectrumOut& out, int n_valid) {
    BinSink<Mode> sink(out, n_valid);
    if (!even) {
        for (int k = 0; k < f.n_bins; ++k) {
            float* GX_RESTRICT xr = sink.re(k);
            float* GX_RESTRICT xi = sink.im(k);
            GX_SIMD for (int l = 0; l < W; ++l) {
                xr[l] = static_cast<float>(zr[static_cast<size_t>(k) * W + l]);
                xi[l] = static_cast<float>(zi[static_cast<size_t>(k) * W + l]);
            }
            sink.commit(k);
        }
        sink.finish();
        return;
    }
    // Split step: X[k] = E + (-i w^k) O, E = (Z[k] + conj Z[n-k]) / 2, O = (Z[k] - conj Z[n-k]) / 2.
    const size_t n = static_cast<size_t>(f.n_complex);
    // bins 0 and n are real: Z[0].re + Z[0].im and Z[0].re - Z[0].im
    alignas(64) float nyq_r[W];
    {
        float* GX_RESTRICT xr = sink.re(0);
        float* GX_RESTRICT xi = sink.im(0);
        GX_SIMD for (int l = 0; l < W; ++l) {
            xr[l] = static_cast<float>(zr[l] + zi[l]);
            xi[l] = 0.0f;
            nyq_r[l] = static_cast<float>(zr[l] - zi[l]);
        }
        sink.commit(0);
    }
    const T half = T(0.5);
    for (size_t k = 1; k < n; ++k) {
        const T c = split[2 * k], s = split[2 * k + 1];  // w^k = c + i s
        const size_t ka = dif_m ? dif_row(k, dif_m) : k;
        const size_t kb = dif_m ? dif_row(n - k, dif_m) : n - k;
        const T* GX_RESTRICT ar = zr + ka * W;
        const T* GX_RESTRICT ai = zi + ka * W;
        const T* GX_RESTRICT br = zr + kb * W;
        const T* GX_RESTRICT bi = zi + kb * W;
        float* GX_RESTRICT xr = sink.re(static_cast<int>(k));
        float* GX_RESTRICT xi = sink.im(static_cast<int>(k));
        GX_SIMD for (int l = 0; l < W; ++l) {
            // B = conj(Z[n-k])
            T er = half * (ar[l] + br[l]), ei = half * (ai[l] - bi[l]);
            T orr = half * (ar[l] - br[l]), oi = half * (ai[l] + bi[l]);
            // (-i) O = (oi, -orr); times w = (c, s)
            T tr = oi * c + orr * s;
            T ti = oi * s - orr * c;
            xr[l] = static_cast<float>(er + tr);
            xi[l] = static_cast<float>(ei + ti);
        }
        sink.commit(static_cast<int>(k));
    }
    {
        float* GX_RESTRICT xr = sink.re(static_cast<int>(n));
        float* GX_RESTRICT xi = sink.im(static_cast<int>(n));
        GX_SIMD for (int l = 0; l < W; ++l) {
            xr[l] = nyq_r[l];
            xi[l] = 0.0f;
        }
        sink.commit(static_cast<int>(n));
    }
    sink.finish();
}

template <typename T>
void emit_any(const RfftView& f, const T* zr, const T* zi, bool even, size_t dif_m,
              const T* split, const SpectrumOut& out, int n_valid) {
    switch (sink_mode(out)) {
#define GX_EMIT(m) \
    case m: emit_bins<T, m>(f, zr, zi, even, dif_m, split, out, n_valid); return;
        GX_EMIT(1) GX_EMIT(2) GX_EMIT(3) GX_EMIT(4) GX_EMIT(5) GX_EMIT(6) GX_EMIT(7) GX_EMIT(8)
        GX_EMIT(9) GX_EMIT(10) GX_EMIT(11) GX_EMIT(12) GX_EMIT(13) GX_EMIT(14) GX_EMIT(15)
#undef GX_EMIT
        default: return;  // nothing asked for
    }
}

template <typename T>
void spectrum_t(const RfftView& f, const T* window, const float* const* frames_in, int n_valid,
                T* work, const SpectrumOut& out) {
    const size_t n = static_cast<size_t>(f.n_complex);
    const float* frames[W];
    for (int l = 0; l < W; ++l) frames[l] = frames_in[l < n_valid ? l : 0];
    const size_t span = n * W + kFftBufferPad;
    T* r0 = work;
    T* i0 = work + span;
    T* r1 = work + 2 * span;
    T* i1 = work + 3 * span;
    T* scratch = work + 4 * span;
    const bool even = (f.n_fft % 2) == 0;
    const T* zr;
    const T* zi;
    size_t dif_m = 0;
    if (even) {
        // Sample 2j is the real part and 2j + 1 the imaginary part of point j: after the
        // transpose the points are interleaved by rows (stride 2W), which the first stage reads.
        transpose_any(frames, window, f.n_fft, r0);
        // (float32 only: in float64, with its radix-8 or radix-4 sub-chains, on 16 or 8 lanes,
        // it measured 4-12 % slower than the plain chain)
        if (f.dif_sub != nullptr && sizeof(T) == sizeof(float)) {
            dif_m = static_cast<size_t>(f.dif_sub->n_complex);
            const int which = complex_fft_dif<T>(f, r0, r0 + W, 2 * W, r0, i0, r1, i1, scratch);
            zr = which == 0 ? r0 : r1;
            zi = which == 0 ? i0 : i1;
        } else if (chain_length<T>(f) == 0) {
            zr = r0;
            zi = r0 + W;
        } else {
            const int which = complex_fft<T>(f, r0, r0 + W, 2 * W, r0, i0, r1, i1, scratch);
            zr = which == 0 ? r0 : r1;
            zi = which == 0 ? i0 : i1;
        }
    } else {
        transpose_any(frames, window, f.n_fft, r1);
        std::memset(i1, 0, n * W * sizeof(T));
        const int which = complex_fft<T>(f, r1, i1, W, r1, i1, r0, i0, scratch);
        // complex_fft counts from the (r0, i0) pair; here the input pair was (r1, i1)
        zr = which == 0 ? r1 : r0;
        zi = which == 0 ? i1 : i0;
        if (chain_length<T>(f) == 0) {
            zr = r1;
            zi = i1;
        }
    }
    emit_any<T>(f, zr, zi, even, dif_m, split_table(f, window), out, n_valid);
}

void spectrum(const RfftView& f, const float* window, const float* const* frames, int n_valid,
              float* work, const SpectrumOut& out) {
    spectrum_t<float>(f, window, frames, n_valid, work, out);
}

void spectrum64(const RfftView& f, const double* window, const float* const* frames, int n_valid,
                double* work, const SpectrumOut& out) {
    spectrum_t<double>(f, window, frames, n_valid, work, out);
}

// ---------------------------------------------------------------------------------------------
// Filterbanks
// ---------------------------------------------------------------------------------------------
void sparse_bank(const SparseBankView& bank, const float* S, size_t rs, float* out) {
    for (int m = 0; m < bank.n_rows; ++m) {
        float acc[W];
        GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.0f;
        const float* w = bank.weights + bank.offset[m];
        const int k0 = bank.start[m];
        for (int j = 0; j < bank.len[m]; ++j) {
            const float wj = w[j];
            const float* s = S + static_cast<size_t>(k0 + j) * rs;
            GX_SIMD for (int l = 0; l < W; ++l) acc[l] += wj * s[l];
        }
        GX_SIMD for (int l = 0; l < W; ++l) out[static_cast<size_t>(m) * W + l] = acc[l];
    }
}

void complex_sparse_bank(const ComplexSparseView& bank, const float* re, const float* im,
                         float* out_re, float* out_im) {
    for (int m = 0; m < bank.n_rows; ++m) {
        float ar[W], ai[W];
        GX_SIMD for (int l = 0; l < W; ++l) ar[l] = ai[l] = 0.0f;
        for (int32_t j = bank.indptr[m]; j < bank.indptr[m + 1]; ++j) {
            const float wr = bank.data[2 * j], wi = bank.data[2 * j + 1];
            const float* xr = re + static_cast<size_t>(bank.indices[j]) * W;
            const float* xi = im + static_cast<size_t>(bank.indices[j]) * W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                ar[l] += wr * xr[l] - wi * xi[l];
                ai[l] += wr * xi[l] + wi * xr[l];
            }
        }
        GX_SIMD for (int l = 0; l < W; ++l) {
            out_re[static_cast<size_t>(m) * W + l] = ar[l];
            out_im[static_cast<size_t>(m) * W + l] = ai[l];
        }
    }
}

// G filterbank rows at once: each spectrum row is loaded once for G accumulators.
template <int G>
inline void dense_rows(const float* fb, int n_bins, const float* S, size_t rs, float* out) {
    float acc[G][W];
    for (int g = 0; g < G; ++g) {
        GX_SIMD for (int l = 0; l < W; ++l) acc[g][l] = 0.0f;
    }
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        for (int g = 0; g < G; ++g) {
            const float w = fb[static_cast<size_t>(g) * n_bins + k];
            GX_SIMD for (int l = 0; l < W; ++l) acc[g][l] += w * s[l];
        }
    }
    for (int g = 0; g < G; ++g) {
        GX_SIMD for (int l = 0; l < W; ++l) out[static_cast<size_t>(g) * W + l] = acc[g][l];
    }
}

void dense_bank(const float* fb, int n_rows, int n_bins, const float* S, size_t rs, float* out) {
    int c = 0;
    for (; c + 12 <= n_rows; c += 12) {
        dense_rows<12>(fb + static_cast<size_t>(c) * n_bins, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c + 4 <= n_rows; c += 4) {
        dense_rows<4>(fb + static_cast<size_t>(c) * n_bins, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c < n_rows; ++c) {
        dense_rows<1>(fb + static_cast<size_t>(c) * n_bins, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
}

// ---------------------------------------------------------------------------------------------
// Spectral shape features
// ---------------------------------------------------------------------------------------------
constexpr float kTinyF32 = 1.17549435082228750797e-38f;  // np.finfo(np.float32).tiny

void centroid_bandwidth(const float* S, size_t rs, int n_bins, const double* freq,
                        double* centroid, double* bandwidth, const double* bw_centroid, double p,
                        bool norm) {
    // librosa normalizes S by its column sum (in float64; sums below float32's tiny are left
    // alone) and rounds S / sum to float32 before weighting; summing the unrounded products and
    // dividing once differs from that by ~1e-8 relative, far inside the 1e-5 budget.
    double total[W], cen[W];
    GX_SIMD for (int l = 0; l < W; ++l) total[l] = cen[l] = 0.0;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        const double fk = freq[k];
        GX_SIMD for (int l = 0; l < W; ++l) {
            const double v = static_cast<double>(s[l]);
            total[l] += v;
            cen[l] += fk * v;
        }
    }
    double scale[W];  // 1 / the column sum used by the normalization
    GX_SIMD for (int l = 0; l < W; ++l) {
        scale[l] = 1.0 / (total[l] < kTinyF32 ? 1.0 : total[l]);
        cen[l] *= scale[l];
    }
    if (centroid != nullptr) {
        GX_SIMD for (int l = 0; l < W; ++l) centroid[l] = cen[l];
    }
    if (bandwidth == nullptr) return;
    const double* c = bw_centroid != nullptr ? bw_centroid : cen;
    double acc[W];
    GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.0;
    const bool square = p == 2.0;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        const double fk = freq[k];
        if (square) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                const double d = fk - c[l];
                acc[l] += static_cast<double>(s[l]) * (d * d);
            }
        } else {
            for (int l = 0; l < W; ++l) {
                acc[l] += static_cast<double>(s[l]) * std::pow(std::fabs(fk - c[l]), p);
            }
        }
    }
    for (int l = 0; l < W; ++l) {
        const double a = norm ? acc[l] * scale[l] : acc[l];
        bandwidth[l] = square ? std::sqrt(a) : std::pow(a, 1.0 / p);
    }
}

void rolloff(const float* S, size_t rs, int n_bins, const double* freq, float roll_percent,
             double* out) {
    // numpy: cumsum in float32 (sequential), threshold = roll_percent * total (float32), then the
    // smallest frequency among bins whose running sum is not below the threshold. The running sum
    // never decreases (S >= 0), so those bins are all k >= (number of bins below the threshold).
    float total[W];
    GX_SIMD for (int l = 0; l < W; ++l) total[l] = 0.0f;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) total[l] += s[l];
    }
    float thr[W];
    int below[W];
    GX_SIMD for (int l = 0; l < W; ++l) {
        thr[l] = roll_percent * total[l];
        below[l] = 0;
        total[l] = 0.0f;
    }
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) {
            total[l] += s[l];
            below[l] += total[l] < thr[l] ? 1 : 0;
        }
    }
    for (int l = 0; l < W; ++l) {
        const int first = below[l] < n_bins ? below[l] : n_bins - 1;
        double best = freq[first];
        for (int k = first + 1; k < n_bins; ++k) best = freq[k] < best ? freq[k] : best;
        out[l] = best;
    }
}

// log for float32, vectorizable: frexp-style split plus a minimax polynomial (max error ~1 ulp).
inline float fast_logf(float x) {
    // subnormals: scale into the normal range first (exact), and take it back out of e
    const bool tiny = x < 1.17549435e-38f;
    x = tiny ? x * 8388608.0f : x;  // 2^23
    int32_t bits;
    std::memcpy(&bits, &x, 4);
    int32_t e = ((bits >> 23) & 0xff) - 127 - (tiny ? 23 : 0);
    int32_t mbits = (bits & 0x007fffff) | 0x3f800000;  // mantissa in [1, 2)
    float m;
    std::memcpy(&m, &mbits, 4);
    // Shift to [sqrt(1/2), sqrt(2)) for accuracy.
    const bool big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    const float f = m - 1.0f;
    // log(1 + f) = f - f^2/2 + f^3 * P(f), cephes logf coefficients.
    const float z = f * f;
    float y = 7.0376836292e-2f;
    y = y * f - 1.1514610310e-1f;
    y = y * f + 1.1676998740e-1f;
    y = y * f - 1.2420140846e-1f;
    y = y * f + 1.4249322787e-1f;
    y = y * f - 1.6668057665e-1f;
    y = y * f + 2.0000714765e-1f;
    y = y * f - 2.4999993993e-1f;
    y = y * f + 3.3333331174e-1f;
    y = y * f * z;
    const float fe = static_cast<float>(e);
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return f + y + 0.693359375f * fe;
}

// numpy's pairwise_sum over rows x[0..n) (each W lanes) in float32: runs of 8 interleaved
// accumulators up to 128 rows, halves (rounded to a multiple of 8) above.
void pairwise_rows(const float* x, size_t n, float* out) {
    if (n < 8) {
        GX_SIMD for (int l = 0; l < W; ++l) out[l] = 0.0f;
        for (size_t i = 0; i < n; ++i) {
            GX_SIMD for (int l = 0; l < W; ++l) out[l] += x[i * W + l];
        }
        return;
    }
    if (n <= 128) {
        float r[8][W];
        for (int j = 0; j < 8; ++j) {
            GX_SIMD for (int l = 0; l < W; ++l) r[j][l] = x[j * W + l];
        }
        size_t i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (int j = 0; j < 8; ++j) {
                GX_SIMD for (int l = 0; l < W; ++l) r[j][l] += x[(i + j) * W + l];
            }
        }
        GX_SIMD for (int l = 0; l < W; ++l) {
            out[l] = ((r[0][l] + r[1][l]) + (r[2][l] + r[3][l])) +
                     ((r[4][l] + r[5][l]) + (r[6][l] + r[7][l]));
        }
        for (; i < n; ++i) {
            GX_SIMD for (int l = 0; l < W; ++l) out[l] += x[i * W + l];
        }
        return;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    float a[W], b[W];
    pairwise_rows(x, n2, a);
    pairwise_rows(x + n2 * W, n - n2, b);
    GX_SIMD for (int l = 0; l < W; ++l) out[l] = a[l] + b[l];
}

void flatness(const float* S, size_t rs, int n_bins, float amin, float power, int sum_mode,
              float* work, float* out) {
    float* vals = work;                                     // max(amin, S^power)
    float* logs = work + static_cast<size_t>(n_bins) * W;   // log of the above
    const bool square = power == 2.0f;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        float* v = vals + static_cast<size_t>(k) * W;
        float* lg = logs + static_cast<size_t>(k) * W;
        if (square) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                float x = s[l] * s[l];
                x = x > amin ? x : amin;
                v[l] = x;
                lg[l] = fast_logf(x);
            }
        } else {
            for (int l = 0; l < W; ++l) {
                float x = std::pow(s[l], power);
                x = x > amin ? x : amin;
                v[l] = x;
                lg[l] = std::log(x);
            }
        }
    }
    float slog[W], ssum[W];
    if (sum_mode == 2) {
        double dlog[W], dsum[W];
        GX_SIMD for (int l = 0; l < W; ++l) dlog[l] = dsum[l] = 0.0;
        for (int k = 0; k < n_bins; ++k) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                dlog[l] += static_cast<double>(logs[static_cast<size_t>(k) * W + l]);
                dsum[l] += static_cast<double>(vals[static_cast<size_t>(k) * W + l]);
            }
        }
        for (int l = 0; l < W; ++l) {
            const double g = std::exp(dlog[l] / n_bins);
            out[l] = static_cast<float>(g / (dsum[l] / n_bins));
        }
        return;
    }
    if (sum_mode == 1) {
        pairwise_rows(logs, static_cast<size_t>(n_bins), slog);
        pairwise_rows(vals, static_cast<size_t>(n_bins), ssum);
    } else {
        GX_SIMD for (int l = 0; l < W; ++l) slog[l] = ssum[l] = 0.0f;
        for (int k = 0; k < n_bins; ++k) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                slog[l] += logs[static_cast<size_t>(k) * W + l];
                ssum[l] += vals[static_cast<size_t>(k) * W + l];
            }
        }
    }
    const float nb = static_cast<float>(n_bins);
    for (int l = 0; l < W; ++l) {
        float g = std::exp(slog[l] / nb);
        float a = ssum[l] / nb;
        out[l] = g / a;
    }
}

// Sorted insertion network across lanes: buf [count][W] ascending holds the `count` smallest
// values seen (for peaks, negated values so it holds the largest).
inline void insert_sorted(float* buf, int count, const float* x) {
    float v[W];
    GX_SIMD for (int l = 0; l < W; ++l) v[l] = x[l];
    for (int j = 0; j < count; ++j) {
        float* b = buf + static_cast<size_t>(j) * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            float lo = b[l] < v[l] ? b[l] : v[l];
            float hi = b[l] < v[l] ? v[l] : b[l];
            b[l] = lo;
            v[l] = hi;
        }
    }
}

// The K smallest of rows [lo, hi) per lane (sign = -1: the K largest, negated), ascending into
// out [K][W]; the buffer lives in registers for small K.
// W lanes as one GCC vector value (lowered to the translation unit's registers).
typedef float LaneVec __attribute__((vector_size(W * sizeof(float))));

// W lanes loaded as a LaneVec (see CMakeLists.txt on -Wpsabi in the baseline build).
inline LaneVec load_lanes(const float* p) {
    LaneVec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}


template <int K>
inline void select_rows(const float* S, size_t rs, int lo, int hi, float sign, bool downwards,
                        float* out) {
    LaneVec buf[K];
    for (int j = 0; j < K; ++j) buf[j] = LaneVec{} + INFINITY;
    const ptrdiff_t step = downwards ? -static_cast<ptrdiff_t>(rs) : static_cast<ptrdiff_t>(rs);
    const float* s = S + static_cast<size_t>(downwards ? hi - 1 : lo) * rs;
    for (int i = 0; i < hi - lo; ++i, s += step) {
        LaneVec v = load_lanes(s) * sign;
        for (int j = 0; j < K; ++j) {  // branch-free: half the rows insert on real spectra
            const LaneVec a = buf[j];
            buf[j] = a < v ? a : v;
            v = a < v ? v : a;
        }
    }
    for (int j = 0; j < K; ++j) std::memcpy(out + static_cast<size_t>(j) * W, &buf[j], sizeof(LaneVec));
}

// select_rows for any count: compile-time buffers up to 12, the memory network above beyond.
inline void select_any(const float* S, size_t rs, int lo, int hi, int cnt, float sign,
                       bool downwards, float* out) {
    switch (cnt) {
        case 2: select_rows<2>(S, rs, lo, hi, sign, downwards, out); return;
        case 3: select_rows<3>(S, rs, lo, hi, sign, downwards, out); return;
        case 4: select_rows<4>(S, rs, lo, hi, sign, downwards, out); return;
        case 5: select_rows<5>(S, rs, lo, hi, sign, downwards, out); return;
        case 6: select_rows<6>(S, rs, lo, hi, sign, downwards, out); return;
        case 7: select_rows<7>(S, rs, lo, hi, sign, downwards, out); return;
        case 8: select_rows<8>(S, rs, lo, hi, sign, downwards, out); return;
        case 9: select_rows<9>(S, rs, lo, hi, sign, downwards, out); return;
        case 10: select_rows<10>(S, rs, lo, hi, sign, downwards, out); return;
        case 11: select_rows<11>(S, rs, lo, hi, sign, downwards, out); return;
        case 12: select_rows<12>(S, rs, lo, hi, sign, downwards, out); return;
        default: break;
    }
    for (int j = 0; j < cnt; ++j) {
        GX_SIMD for (int l = 0; l < W; ++l) out[static_cast<size_t>(j) * W + l] = INFINITY;
    }
    const float* worst = out + static_cast<size_t>(cnt - 1) * W;
    for (int i = 0; i < hi - lo; ++i) {
        const int k = downwards ? hi - 1 - i : lo + i;
        const float* s = S + static_cast<size_t>(k) * rs;
        float v[W];
        int any = 0;
        GX_SIMD for (int l = 0; l < W; ++l) v[l] = sign * s[l];
        _Pragma("omp simd reduction(|:any)") for (int l = 0; l < W; ++l) any |= v[l] < worst[l];
        if (any) insert_sorted(out, cnt, v);
    }
}

void contrast_peaks(const ContrastView& bands, const float* S, size_t rs, float* work,
                    float* peak, float* valley) {
    float* low = work;                                          // [max_count][W] smallest
    float* high = work + static_cast<size_t>(bands.max_count) * W;  // negated largest
    for (int b = 0; b < bands.n_bands; ++b) {
        const int cnt = bands.count[b];
        const int lo = bands.lo[b], hi = bands.hi[b];
        if (cnt == 1) {  // the common case: the band's minimum and maximum
            float mn[W], mx[W];
            GX_SIMD for (int l = 0; l < W; ++l) {
                mn[l] = INFINITY;
                mx[l] = -INFINITY;
            }
            for (int k = lo; k < hi; ++k) {
                const float* s = S + static_cast<size_t>(k) * rs;
                GX_SIMD for (int l = 0; l < W; ++l) {
                    mn[l] = s[l] < mn[l] ? s[l] : mn[l];
                    mx[l] = s[l] > mx[l] ? s[l] : mx[l];
                }
            }
            GX_SIMD for (int l = 0; l < W; ++l) {
                valley[static_cast<size_t>(b) * W + l] = mn[l];
                peak[static_cast<size_t>(b) * W + l] = mx[l];
            }
            continue;
        }
        // Smallest values: scan from the top of the band down (spectra mostly fall with
        // frequency, so the small values come first and later rows are mostly rejected).
        select_any(S, rs, lo, hi, cnt, 1.0f, true, low);
        select_any(S, rs, lo, hi, cnt, -1.0f, false, high);
        // numpy: mean of the sorted values, summed in ascending order in float32.
        float vs[W], ps[W];
        GX_SIMD for (int l = 0; l < W; ++l) vs[l] = ps[l] = 0.0f;
        for (int j = 0; j < cnt; ++j) {
            GX_SIMD for (int l = 0; l < W; ++l) vs[l] += low[j * W + l];
        }
        for (int j = cnt - 1; j >= 0; --j) {
            GX_SIMD for (int l = 0; l < W; ++l) ps[l] += -high[j * W + l];
        }
        const float fc = static_cast<float>(cnt);
        GX_SIMD for (int l = 0; l < W; ++l) {
            valley[static_cast<size_t>(b) * W + l] = vs[l] / fc;
            peak[static_cast<size_t>(b) * W + l] = ps[l] / fc;
        }
    }
}

inline double sum_squares(const float* x, int len) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= len; i += 8) {
        GX_SIMD for (int j = 0; j < 8; ++j) {
            const double v = static_cast<double>(x[i + j]);
            acc[j] += v * v;
        }
    }
    double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < len; ++i) total += static_cast<double>(x[i]) * x[i];
    return total;
}

void frame_energy(const float* const* frames, int n_valid, int frame_length, int hop,
                  double* out) {
    constexpr int kMaxChunks = 64;
    for (int l = n_valid; l < W; ++l) out[l] = 0.0;
    if (n_valid <= 0) return;
    const int q = hop > 0 && frame_length % hop == 0 ? frame_length / hop : 0;
    if (q < 2 || q > kMaxChunks) {
        for (int l = 0; l < n_valid; ++l) out[l] = sum_squares(frames[l], frame_length);
        return;
    }
    // Consecutive frames overlap by whole hops: sum each hop of samples once. Chunk j is frame
    // j's first hop for j < n_valid, then the last frame's later hops.
    double chunk[W + kMaxChunks];
    for (int l = 0; l < n_valid; ++l) chunk[l] = sum_squares(frames[l], hop);
    for (int j = 1; j < q; ++j) chunk[n_valid - 1 + j] = sum_squares(frames[n_valid - 1] + j * hop, hop);
    for (int l = 0; l < n_valid; ++l) {
        double total = 0.0;
        for (int j = 0; j < q; ++j) total += chunk[l + j];
        out[l] = total;
    }
}

// Sum of n bytes: byte sums of 64 / 32 / 16 bytes at a time (psadbw), then the tail.
inline uint32_t byte_sum(const uint8_t* p, int n) {
    int i = 0;
    uint64_t total = 0;
#if defined(__AVX512BW__)
    __m512i acc = _mm512_setzero_si512();
    for (; i + 64 <= n; i += 64) {
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_loadu_si512(p + i), _mm512_setzero_si512()));
    }
    total += static_cast<uint64_t>(_mm512_reduce_add_epi64(acc));
#elif defined(__AVX2__)
    __m256i acc = _mm256_setzero_si256();
    for (; i + 32 <= n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        acc = _mm256_add_epi64(acc, _mm256_sad_epu8(v, _mm256_setzero_si256()));
    }
    alignas(32) uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
    total += lanes[0] + lanes[1] + lanes[2] + lanes[3];
#elif defined(__SSE2__)
    __m128i acc = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        acc = _mm_add_epi64(acc, _mm_sad_epu8(v, _mm_setzero_si128()));
    }
    alignas(16) uint64_t lanes[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    total += lanes[0] + lanes[1];
#endif
    for (; i < n; ++i) total += p[i];
    return static_cast<uint32_t>(total);
}

void power_sum(const float* S, size_t rs, int n_bins, bool halve_last, double* out) {
    double acc[W];
    GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.5 * static_cast<double>(S[l]);
    for (int k = 1; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        const double w = (k == n_bins - 1 && halve_last) ? 0.5 : 1.0;
        GX_SIMD for (int l = 0; l < W; ++l) acc[l] += w * static_cast<double>(s[l]);
    }
    GX_SIMD for (int l = 0; l < W; ++l) out[l] = acc[l];
}

bool all_finite(const float* x, size_t n) {
    // exponent bits all ones: NaN or infinity; checked in chunks so that a bad value stops early
    constexpr size_t kChunk = 4096;
    for (size_t lo = 0; lo < n; lo += kChunk) {
        const size_t hi = lo + kChunk < n ? lo + kChunk : n;
        uint32_t bad = 0;
        _Pragma("omp simd reduction(|:bad)") for (size_t i = lo; i < hi; ++i) {
            uint32_t bits;
            std::memcpy(&bits, x + i, 4);
            bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
        }
        if (bad) return false;
    }
    return true;
}

void divide(const float* GX_RESTRICT x, size_t n, double divisor, float* GX_RESTRICT out) {
    GX_SIMD for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<float>(static_cast<double>(x[i]) / divisor);
    }
}

void sign_changes(const float* y, int64_t n, float threshold, bool zero_pos, uint8_t* d) {
    if (n <= 0) return;
    d[0] = 0;
    const float thr = threshold;
    if (zero_pos) {
        GX_SIMD for (int64_t i = 1; i < n; ++i) {
            d[i] = static_cast<uint8_t>((y[i] < -thr) != (y[i - 1] < -thr));
        }
    } else {
        GX_SIMD for (int64_t i = 1; i < n; ++i) {
            const int a = (y[i] > thr) + (y[i] >= -thr);
            const int b = (y[i - 1] > thr) + (y[i - 1] >= -thr);
            d[i] = static_cast<uint8_t>(a != b);
        }
    }
}

void window_counts(const uint8_t* d, int64_t T, int hop, int len, uint32_t* out) {
    for (int64_t t = 0; t < T; ++t) out[t] = byte_sum(d + t * hop, len);
}

size_t piptrack(const PiptrackView& pt, const float* S, size_t rs, int n_bins, int n_valid,
                float* pitch_out, float* mag_out, size_t count) {
    // ref = threshold * column max; peaks of S * (S > ref): x[k] > x[k-1] and x[k] >= x[k+1]
    // (edges padded by repetition); shift from librosa's parabolic interpolation stencil
    // (computed in float64 as numba does, rounded to float32); mag = S + 0.5 * gradient * shift.
    float ref[W];
    GX_SIMD for (int l = 0; l < W; ++l) ref[l] = 0.0f;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) ref[l] = s[l] > ref[l] ? s[l] : ref[l];
    }
    GX_SIMD for (int l = 0; l < W; ++l) ref[l] = pt.threshold * ref[l];
    for (int l = n_valid; l < W; ++l) ref[l] = INFINITY;  // no peaks in unused lanes
    const int k_lo = pt.k_lo > 0 ? pt.k_lo : 0;
    const int k_hi = pt.k_hi < n_bins ? pt.k_hi : n_bins;
    // thresholded rows k - 1, k, k + 1 (edges repeat the first / last row)
    auto threshold_row = [&](int k, float* t) {
        const float* s = S + static_cast<size_t>(k < 0 ? 0 : (k >= n_bins ? n_bins - 1 : k)) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) t[l] = s[l] > ref[l] ? s[l] : 0.0f;
    };
    float tm[W], t0[W], tp[W];
    if (k_lo < k_hi) {
        threshold_row(k_lo - 1, tm);
        threshold_row(k_lo, t0);
    }
    for (int k = k_lo; k < k_hi; ++k) {
        const float* s0 = S + static_cast<size_t>(k) * rs;
        const float* sm = k > 0 ? s0 - rs : s0;
        const float* sp = k + 1 < n_bins ? s0 + rs : s0;
        threshold_row(k + 1, tp);
        float flag[W];  // 1 where lane l has a peak at bin k
        float any = 0.0f;
        GX_SIMD for (int l = 0; l < W; ++l) {
            float f = t0[l] > tm[l] ? 1.0f : 0.0f;
            f = t0[l] >= tp[l] ? f : 0.0f;
            flag[l] = f;
        }
        for (int l = 0; l < W; ++l) any += flag[l];
        GX_SIMD for (int l = 0; l < W; ++l) {
            tm[l] = t0[l];
            t0[l] = tp[l];
        }
        if (any == 0.0f) continue;
        for (int l = 0; l < n_valid; ++l) {
            if (flag[l] == 0.0f) continue;
            float shift = 0.0f;
            if (k > 0 && k + 1 < n_bins) {
                const double a =
                    static_cast<double>(sp[l] + sm[l]) - 2.0 * static_cast<double>(s0[l]);
                const double b = static_cast<double>(sp[l] - sm[l]) / 2.0;
                if (!(std::fabs(b) >= std::fabs(a))) shift = static_cast<float>(-b / a);
            }
            float avg;
            if (k == 0) {
                avg = sp[l] - s0[l];
            } else if (k + 1 == n_bins) {
                avg = s0[l] - sm[l];
            } else {
                avg = (sp[l] - sm[l]) / 2.0f;
            }
            const float dskew = 0.5f * avg * shift;
            const double bin = static_cast<double>(k) + static_cast<double>(shift);
            pitch_out[count] = static_cast<float>(bin * pt.sr / pt.n_fft);
            mag_out[count] = s0[l] + dskew;
            ++count;
        }
    }
    return count;
}

void db_rows(const float* S, size_t rs, int rows, float amin, float floor, float* out) {
    const float ten_over_ln10 = 4.342944819032518f;
    for (int k = 0; k < rows; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        float* o = out + static_cast<size_t>(k) * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            float v = s[l] > amin ? s[l] : amin;
            float d = ten_over_ln10 * fast_logf(v);
            o[l] = d > floor ? d : floor;
        }
    }
}

// Defined in kernels/inverse_impl.hpp, median_impl.hpp and rhythm_impl.hpp (included at the end).
void irfft_frames(const RfftView&, const float*, const float* const*, int, float*, float*, size_t);
void irfft_frames64(const RfftView&, const double*, const double* const*, int, double*, double*,
                    size_t);
void median_lanes(const float* const*, int64_t, int, int, float*, float*, size_t);
void to_lanes(const float* const*, int, float*);
void from_lanes(const float*, int, int, float*, size_t);
void hpss_combine(const float*, const float*, const float*, const float*, size_t, float, float,
                  float, bool, bool, float*, float*);
void complex_abs(const float*, size_t, float*);
void autocorrelate(const double*, int, double*);
void autocorr_frames64(const RfftView&, const double*, const float* const*, int, int, double*,
                       double*);
void hann_autocorr(const double*, const double*, int64_t, int, int64_t, int64_t, const double*,
                   double*, double*);
void normalize_rows(double*, int64_t, int);

const KernelTable kTable = {
    GENREFX_LEVEL_NAME,
    W,
    &spectrum,
    &spectrum64,
    &sparse_bank,
    &complex_sparse_bank,
    &dense_bank,
    &centroid_bandwidth,
    &rolloff,
    &flatness,
    &contrast_peaks,
    &frame_energy,
    &power_sum,
    &all_finite,
    &divide,
    &sign_changes,
    &window_counts,
    &db_rows,
    &piptrack,
    &irfft_frames,
    &irfft_frames64,
    &median_lanes,
    &to_lanes,
    &from_lanes,
    &hpss_combine,
    &complex_abs,
    &autocorrelate,
    &autocorr_frames64,
    &hann_autocorr,
    &normalize_rows,
};

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx

#include "kernels/inverse_impl.hpp"
#include "kernels/median_impl.hpp"
#include "kernels/rhythm_impl.hpp"
