// The complex FFT of W frames in the lanes (mixed-radix Stockham chains, the float32 spectra's
// decimation-in-frequency split, Bluestein's algorithm for large prime factors). Included by
// kernels_impl.hpp into its per-level namespace, after W and the GX_ macros; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// ---------------------------------------------------------------------------------------------
// Complex FFT (Stockham autosort, mixed radix), W independent transforms in the lanes.
// Data: point i's real lanes at x[i * kRow + l] and its imaginary lanes right after them, at
// x[i * kRow + W + l] (kRow = 2 W). Stage with radix R after ns merged points:
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

// One register of T lanes (a GCC vector type; the W lanes of a row are W / Vec<T>::lanes of
// them). The radix 2 / 4 / 8 butterflies work one register at a time: written as loops over
// all W lanes, float64 rows (two AVX-512 registers each) kept a radix-4 butterfly's 16 inputs
// live at once and spilled (measured in a C++ harness: the float64 FFT at n_fft 2048 went
// 2.1 -> 1.6 ms with radix 8, the float32 chain 1.02 -> 0.78 ms; the results are bit-identical).
#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
template <typename T>
struct Vec {
    static constexpr int lanes = kVecBytes / static_cast<int>(sizeof(T)) < W
                                     ? kVecBytes / static_cast<int>(sizeof(T))
                                     : W;
    typedef T type __attribute__((vector_size(lanes * sizeof(T))));
    static GX_INLINE type load(const T* p) {
        type v;
        std::memcpy(&v, p, sizeof(v));
        return v;
    }
    static GX_INLINE void store(T* p, type v) { std::memcpy(p, &v, sizeof(v)); }
};

// A complex row: W real lanes, then W imaginary lanes. Side by side, a butterfly addresses the
// imaginary parts at a constant offset from the real ones (half the pointers of separate real
// and imaginary buffers, whose 32 streams per radix-8 butterfly outnumbered the registers).
// Measured against separate buffers (C++ harness, 1296 frames, whole spectra): stft and float64
// magnitudes 0-17 % faster at every level and size tried, e.g. AVX-512 n_fft 2048 1.95 -> 1.80
// and 2.31 -> 2.21 ms.
constexpr size_t kRow = 2 * static_cast<size_t>(W);

template <typename T> const T* stage_twiddles(const FftStage& s);
template <> inline const float* stage_twiddles<float>(const FftStage& s) { return s.twiddles; }
template <> inline const double* stage_twiddles<double>(const FftStage& s) { return s.twiddles64; }

// A butterfly's input and output buffers (complex rows, see kRow).
template <typename T>
struct Ptrs {
    const T* GX_RESTRICT in;
    T* GX_RESTRICT out;
};

// Loads rows r < R of one register of lanes (offset h) into vr / vi, times w^r when tw is not
// null (tw: w^1 .. w^(R-1) as (re, im) pairs).
template <typename T, int R>
GX_INLINE void load_rows(const T* xr, const T* xi, size_t s, int h, const T* tw,
                         typename Vec<T>::type* vr, typename Vec<T>::type* vi) {
    typedef typename Vec<T>::type VT;
    for (int r = 0; r < R; ++r) {
        vr[r] = Vec<T>::load(xr + r * s + h);
        vi[r] = Vec<T>::load(xi + r * s + h);
    }
    if (tw == nullptr) return;
    for (int r = 1; r < R; ++r) {
        const VT a = vr[r], b = vi[r];
        const T wr = tw[2 * (r - 1)], wi = tw[2 * (r - 1) + 1];
        vr[r] = a * wr - b * wi;
        vi[r] = a * wi + b * wr;
    }
}

// The butterflies below repeat their row set-up (xr, xi = xr + W, yr, yi = yr + W) on purpose:
// folding it into load / store helpers taking one row pointer gave the same results but float32
// spectra 3-6 % slower at AVX-512 and AVX2 (C++ harness, n_fft 512-4096, min of 4 x 200 runs).
template <typename T>
GX_INLINE void radix2(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    typedef Vec<T> V;
    typedef typename V::type VT;
    const T* xr = p.in + in0;
    const T* xi = xr + W;
    T* yr = p.out + out0;
    T* yi = yr + W;
    for (int h = 0; h < W; h += V::lanes) {
        VT vr[2], vi[2];
        load_rows<T, 2>(xr, xi, s, h, tw, vr, vi);
        V::store(yr + h, vr[0] + vr[1]);
        V::store(yi + h, vi[0] + vi[1]);
        V::store(yr + os + h, vr[0] - vr[1]);
        V::store(yi + os + h, vi[0] - vi[1]);
    }
}

template <typename T>
GX_INLINE void radix4(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    typedef Vec<T> V;
    typedef typename V::type VT;
    const T* xr = p.in + in0;
    const T* xi = xr + W;
    T* yr = p.out + out0;
    T* yi = yr + W;
    for (int h = 0; h < W; h += V::lanes) {
        VT vr[4], vi[4];
        load_rows<T, 4>(xr, xi, s, h, tw, vr, vi);
        const VT a0r = vr[0] + vr[2], a0i = vi[0] + vi[2];
        const VT a1r = vr[0] - vr[2], a1i = vi[0] - vi[2];
        const VT a2r = vr[1] + vr[3], a2i = vi[1] + vi[3];
        const VT a3r = vi[1] - vi[3], a3i = vr[3] - vr[1];  // -i (x1 - x3)
        V::store(yr + h, a0r + a2r);
        V::store(yi + h, a0i + a2i);
        V::store(yr + 2 * os + h, a0r - a2r);
        V::store(yi + 2 * os + h, a0i - a2i);
        V::store(yr + os + h, a1r + a3r);
        V::store(yi + os + h, a1i + a3i);
        V::store(yr + 3 * os + h, a1r - a3r);
        V::store(yi + 3 * os + h, a1i - a3i);
    }
}

// Loads R inputs (twiddled) into the stack arrays vr/vi [R][W].
template <typename T>
inline void load_twiddled(Ptrs<T> p, int R, size_t in0, size_t s, const T* tw, T* vr,
                          T* vi) {
    for (int r = 0; r < R; ++r) {
        const T* xr = p.in + in0 + r * s;
        const T* xi = xr + W;
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

template <typename T>
GX_INLINE void radix3(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    typedef Vec<T> V;
    typedef typename V::type VT;
    const T c = -T(0.5), sn = T(0.866025403784438647);  // exp(-2 pi i / 3) = c - i sn
    const T* xr = p.in + in0;
    const T* xi = xr + W;
    T* yr = p.out + out0;
    T* yi = yr + W;
    for (int h = 0; h < W; h += V::lanes) {
        VT vr[3], vi[3];
        load_rows<T, 3>(xr, xi, s, h, tw, vr, vi);
        const VT tr = vr[1] + vr[2], ti = vi[1] + vi[2];
        const VT dr = vr[1] - vr[2], di = vi[1] - vi[2];
        const VT mr = vr[0] + c * tr, mi = vi[0] + c * ti;
        V::store(yr + h, vr[0] + tr);
        V::store(yi + h, vi[0] + ti);
        // -i sn d = (sn di, -sn dr)
        V::store(yr + os + h, mr + sn * di);
        V::store(yi + os + h, mi - sn * dr);
        V::store(yr + 2 * os + h, mr - sn * di);
        V::store(yi + 2 * os + h, mi + sn * dr);
    }
}

template <typename T>
GX_INLINE void radix5(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    typedef Vec<T> V;
    typedef typename V::type VT;
    const T c1 = T(0.309016994374947424), c2 = -T(0.809016994374947424);
    const T s1 = T(0.951056516295153572), s2 = T(0.587785252292473129);
    const T* xr = p.in + in0;
    const T* xi = xr + W;
    T* yr = p.out + out0;
    T* yi = yr + W;
    for (int h = 0; h < W; h += V::lanes) {
        VT vr[5], vi[5];
        load_rows<T, 5>(xr, xi, s, h, tw, vr, vi);
        const VT a1r = vr[1] + vr[4], a1i = vi[1] + vi[4];
        const VT b1r = vr[1] - vr[4], b1i = vi[1] - vi[4];
        const VT a2r = vr[2] + vr[3], a2i = vi[2] + vi[3];
        const VT b2r = vr[2] - vr[3], b2i = vi[2] - vi[3];
        V::store(yr + h, vr[0] + a1r + a2r);
        V::store(yi + h, vi[0] + a1i + a2i);
        const VT m1r = vr[0] + c1 * a1r + c2 * a2r, m1i = vi[0] + c1 * a1i + c2 * a2i;
        const VT m2r = vr[0] + c2 * a1r + c1 * a2r, m2i = vi[0] + c2 * a1i + c1 * a2i;
        const VT n1r = s1 * b1r + s2 * b2r, n1i = s1 * b1i + s2 * b2i;  // X1 = m1 - i n1
        const VT n2r = s2 * b1r - s1 * b2r, n2i = s2 * b1i - s1 * b2i;  // X2 = m2 - i n2
        V::store(yr + os + h, m1r + n1i);
        V::store(yi + os + h, m1i - n1r);
        V::store(yr + 4 * os + h, m1r - n1i);
        V::store(yi + 4 * os + h, m1i + n1r);
        V::store(yr + 2 * os + h, m2r + n2i);
        V::store(yi + 2 * os + h, m2i - n2r);
        V::store(yr + 3 * os + h, m2r - n2i);
        V::store(yi + 3 * os + h, m2i + n2r);
    }
}

// Radix-8 butterflies, one register of lanes at a time (inline, not forced: forced into the
// decimation-in-frequency pass too, the float32 stft at n_fft 512 - 2048 was ~3-5 % slower).
// kPost = false (Stockham, decimation in time): inputs r times w^r, then the DFT. kPost = true
// (decimation in frequency): the DFT, then output q times w^q. tw: w^1 .. w^7 as (re, im)
// pairs, or null for w = 1.
template <typename T, bool kPost = false>
GX_INLINE void radix8_inline(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    typedef Vec<T> V;
    typedef typename V::type VT;
    const T hq = T(0.707106781186547524);  // 1 / sqrt(2)
    const T* xr = p.in + in0;
    const T* xi = xr + W;
    T* yr = p.out + out0;
    T* yi = yr + W;
    for (int h = 0; h < W; h += V::lanes) {
        VT vr[8], vi[8];
        load_rows<T, 8>(xr, xi, s, h, kPost ? nullptr : tw, vr, vi);
        // DFT4 of the even inputs (0, 2, 4, 6) and of the odd ones (1, 3, 5, 7)
        const VT e0r = vr[0] + vr[4], e0i = vi[0] + vi[4];
        const VT e1r = vr[0] - vr[4], e1i = vi[0] - vi[4];
        const VT e2r = vr[2] + vr[6], e2i = vi[2] + vi[6];
        const VT e3r = vi[2] - vi[6], e3i = vr[6] - vr[2];  // -i (v2 - v6)
        const VT E0r = e0r + e2r, E0i = e0i + e2i, E2r = e0r - e2r, E2i = e0i - e2i;
        const VT E1r = e1r + e3r, E1i = e1i + e3i, E3r = e1r - e3r, E3i = e1i - e3i;
        const VT o0r = vr[1] + vr[5], o0i = vi[1] + vi[5];
        const VT o1r = vr[1] - vr[5], o1i = vi[1] - vi[5];
        const VT o2r = vr[3] + vr[7], o2i = vi[3] + vi[7];
        const VT o3r = vi[3] - vi[7], o3i = vr[7] - vr[3];  // -i (v3 - v7)
        const VT O0r = o0r + o2r, O0i = o0i + o2i, O2r = o0r - o2r, O2i = o0i - o2i;
        const VT O1r = o1r + o3r, O1i = o1i + o3i, O3r = o1r - o3r, O3i = o1i - o3i;
        // twiddles w8^q: O1 (1 - i) / sqrt2, O2 -i, O3 (-1 - i) / sqrt2
        const VT t1r = hq * (O1r + O1i), t1i = hq * (O1i - O1r);
        const VT t2r = O2i, t2i = -O2r;
        const VT t3r = hq * (O3i - O3r), t3i = -hq * (O3r + O3i);
        VT zr[8] = {E0r + O0r, E1r + t1r, E2r + t2r, E3r + t3r,
                    E0r - O0r, E1r - t1r, E2r - t2r, E3r - t3r};
        VT zi[8] = {E0i + O0i, E1i + t1i, E2i + t2i, E3i + t3i,
                    E0i - O0i, E1i - t1i, E2i - t2i, E3i - t3i};
        if (kPost && tw != nullptr) {
            for (int q = 1; q < 8; ++q) {
                const VT a = zr[q], b = zi[q];
                const T wr = tw[2 * (q - 1)], wi = tw[2 * (q - 1) + 1];
                zr[q] = a * wr - b * wi;
                zi[q] = a * wi + b * wr;
            }
        }
        for (int q = 0; q < 8; ++q) {
            V::store(yr + q * os + h, zr[q]);
            V::store(yi + q * os + h, zi[q]);
        }
    }
}

template <typename T, bool kPost = false>
inline void radix8(Ptrs<T> p, size_t in0, size_t s, size_t out0, size_t os, const T* tw) {
    radix8_inline<T, kPost>(p, in0, s, out0, os, tw);
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
        T* yr = p.out + out0 + q * os;
        T* yi = yr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            yr[l] = static_cast<T>(ar[l]);
            yi[l] = static_cast<T>(ai[l]);
        }
    }
}

// One stage with radix R (compile time: the butterfly is inlined into the loops; a switch on R
// per butterfly cost ~20 instructions a butterfly, measured with callgrind) over n = m R points.
template <typename T, int R>
inline void run_stage(Ptrs<T> p, size_t m, size_t ns, size_t ps, const T* twiddles) {
    for (size_t j0 = 0; j0 < m; j0 += ns) {
        for (size_t k = 0; k < ns; ++k) {
            const size_t j = j0 + k;
            const T* tw = k == 0 ? nullptr : twiddles + 2 * (R - 1) * k;
            const size_t in0 = j * ps, s = m * ps;
            const size_t out0 = (j0 * R + k) * kRow, os = ns * kRow;
            if constexpr (R == 8) radix8_inline(p, in0, s, out0, os, tw);
            if constexpr (R == 4) radix4(p, in0, s, out0, os, tw);
            if constexpr (R == 2) radix2(p, in0, s, out0, os, tw);
            if constexpr (R == 3) radix3(p, in0, s, out0, os, tw);
            if constexpr (R == 5) radix5(p, in0, s, out0, os, tw);
        }
    }
}

// Runs a chain of stages over n points (complex rows). Stage 0 reads `in` with `in_stride`
// elements between points; every stage writes to the other buffer of (buf0, buf1), starting
// with buf1. Returns which (0: buf0, 1: buf1) holds the result (0 for no stages: `in`).
// first > 0 starts at stage `first`, whose input `in` is then the earlier stages' output in the
// buffer they would have left it in (buf1 for first = 1).
template <typename T>
int run_chain(size_t n, const FftStage* stages, int n_stages, const T* in, size_t in_stride,
              T* buf0, T* buf1, T* scratch, int first = 0) {
    int cur = first & 1;
    for (int st = first; st < n_stages; ++st) {
        const FftStage& stage = stages[st];
        const int R = stage.radix;
        const size_t ns = static_cast<size_t>(stage.ns);
        const size_t m = n / R;
        Ptrs<T> p = cur == 0 ? Ptrs<T>{buf0, buf1} : Ptrs<T>{buf1, buf0};
        size_t ps = kRow;
        if (st == first) {
            p.in = in;
            ps = in_stride;
        }
        const T* tw = stage_twiddles<T>(stage);
        switch (R) {
            case 8: run_stage<T, 8>(p, m, ns, ps, tw); break;
            case 4: run_stage<T, 4>(p, m, ns, ps, tw); break;
            case 2: run_stage<T, 2>(p, m, ns, ps, tw); break;
            case 3: run_stage<T, 3>(p, m, ns, ps, tw); break;
            case 5: run_stage<T, 5>(p, m, ns, ps, tw); break;
            default:
                for (size_t j0 = 0; j0 < m; j0 += ns) {
                    for (size_t k = 0; k < ns; ++k) {
                        const size_t j = j0 + k;
                        radix_generic(p, R, j * ps, m * ps, (j0 * R + k) * kRow, ns * kRow,
                                      k == 0 ? nullptr : tw + 2 * (R - 1) * k, stage.roots64,
                                      scratch, scratch + static_cast<size_t>(R) * W);
                    }
                }
        }
        cur ^= 1;
    }
    return cur;
}

// The plan's complex FFT of all W lanes (its chain of radix 8 where it can, in either precision;
// Bluestein's algorithm for large prime factors).
// The layout of an FFT work buffer of RfftPlan::work_floats(W) elements for plan f: two n-point
// buffers of complex rows (the ping-pong pair) kFftBufferPad apart, then the scratch (a direct
// DFT's, or Bluestein's two M-point buffers, laid out as its sub-plan's).
template <typename T>
struct FftWork {
    T *buf0, *buf1, *scratch;
    FftWork(const RfftView& f, T* work) {
        const size_t span = static_cast<size_t>(f.n_complex) * kRow + kFftBufferPad;
        buf0 = work;
        buf1 = work + span;
        scratch = work + 2 * span;
    }
};

template <typename T>
int bluestein_fft(const RfftView& f, const T* in, size_t in_stride, T* buf0, T* scratch);

// Returns which of (buf0, buf1) holds the result, as run_chain.
template <typename T>
int complex_fft(const RfftView& f, const T* in, size_t in_stride, T* buf0, T* buf1, T* scratch) {
    if (f.blue_sub != nullptr) return bluestein_fft<T>(f, in, in_stride, buf0, scratch);
    return run_chain<T>(static_cast<size_t>(f.n_complex), f.stages, f.n_stages, in, in_stride,
                        buf0, buf1, scratch);
}

template <typename T> const T* blue_table(const double* t64, const float* t32);
template <> inline const float* blue_table<float>(const double*, const float* t32) { return t32; }
template <> inline const double* blue_table<double>(const double* t64, const float*) { return t64; }

// Bluestein's chirp-z transform of n points (any n): with b[j] = exp(-pi i j^2 / n),
// X[k] = b[k] sum_j (x[j] b[j]) conj(b[k - j]), a circular convolution of M >= 2n - 1 points
// (M = 2^a 3^b 5^c)
// done as conj(FFT_M(conj(FFT_M(a) * K))) with K = FFT_M(conj(b)) / M from the plan. The four
// M-point buffers live in `scratch`; the result goes to buf0 (returns 0).
template <typename T>
int bluestein_fft(const RfftView& f, const T* in, size_t in_stride, T* buf0, T* scratch) {
    const RfftView& sub = *f.blue_sub;
    const size_t n = static_cast<size_t>(f.n_complex), M = static_cast<size_t>(sub.n_complex);
    const T* chirp = blue_table<T>(f.blue_chirp64, f.blue_chirp);
    const T* kern = blue_table<T>(f.blue_kernel64, f.blue_kernel);
    // padded apart as any plan's buffers (unpadded, M = 4096 made float64 n_fft 2011 46 ms, not 32)
    const FftWork<T> buffers(sub, scratch);
    T* p = buffers.buf0;
    T* q = buffers.buf1;
    for (size_t j = 0; j < n; ++j) {
        const T br = chirp[2 * j], bi = chirp[2 * j + 1];
        const T* xr = in + j * in_stride;
        const T* xi = xr + W;
        T* GX_RESTRICT pr = p + j * kRow;
        T* GX_RESTRICT pi = pr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            pr[l] = xr[l] * br - xi[l] * bi;
            pi[l] = xr[l] * bi + xi[l] * br;
        }
    }
    std::memset(p + n * kRow, 0, (M - n) * kRow * sizeof(T));
    const FftStage* stages = sub.stages;
    const int n_stages = sub.n_stages;
    // (M's chain has radices 8, 4, 2, 3, 5 only: no direct-DFT scratch)
    int which = run_chain<T>(M, stages, n_stages, p, kRow, p, q, nullptr);
    T* a = which == 0 ? p : q;
    for (size_t k = 0; k < M; ++k) {
        const T kr = kern[2 * k], ki = kern[2 * k + 1];
        T* GX_RESTRICT zr = a + k * kRow;
        T* GX_RESTRICT zi = zr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const T yr = zr[l] * kr - zi[l] * ki, yi = zr[l] * ki + zi[l] * kr;
            zr[l] = yr;
            zi[l] = -yi;
        }
    }
    T* b = which == 0 ? q : p;
    which = run_chain<T>(M, stages, n_stages, a, kRow, a, b, nullptr);
    const T* r = which == 0 ? a : b;
    for (size_t k = 0; k < n; ++k) {
        const T cr = chirp[2 * k], ci = chirp[2 * k + 1];
        const T* GX_RESTRICT rr = r + k * kRow;
        const T* GX_RESTRICT ri = rr + W;
        T* GX_RESTRICT yr = buf0 + k * kRow;
        T* GX_RESTRICT yi = yr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const T vr = rr[l], vi = -ri[l];  // conj
            yr[l] = vr * cr - vi * ci;
            yi[l] = vr * ci + vi * cr;
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
// sub-sequence k % 8 (dif_row). The pass writes buf1; returns which of (buf0, buf1) holds the
// result.
template <typename T>
int complex_fft_dif(const RfftView& f, const T* in, size_t in_stride, T* buf0, T* buf1,
                    T* scratch) {
    const RfftView& sub = *f.dif_sub;
    const size_t m = static_cast<size_t>(sub.n_complex);
    const T* tw = dif_twiddles<T>(f);
    const Ptrs<T> p{in, buf1};
    for (size_t j = 0; j < m; ++j) {
        radix8<T, true>(p, j * in_stride, m * in_stride, j * kRow, m * kRow,
                        j == 0 ? nullptr : tw + 14 * j);
    }
    int which = 1;
    for (size_t q = 0; q < 8; ++q) {
        const size_t off = q * m * kRow;
        // run_chain: 0 = its first buffer (here buf1), 1 = its second (buf0)
        which = run_chain<T>(m, sub.stages, sub.n_stages, buf1 + off, kRow, buf1 + off,
                             buf0 + off, scratch) == 0
                    ? 1
                    : 0;
    }
    return which;
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
