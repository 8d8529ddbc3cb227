// The kernels, written once as plain loops over W lanes (frames) that the compiler vectorizes for
// the ISA of the translation unit that includes this file. Include it only from
// cpp/kernels/level_*.cpp after defining GENREFX_LEVEL (a namespace name) and GENREFX_LANES.
// Its parts: fft_impl.hpp (the complex FFT), spectrum_impl.hpp (windowed frames to spectra),
// then here the filterbanks, spectral shape features, energy, zero crossings and dB; the
// inverse FFT, median filters and rhythm kernels are in the headers included at the end.
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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx

#include "kernels/fft_impl.hpp"
#include "kernels/spectrum_impl.hpp"

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// W lanes as one GCC vector value (lowered to the translation unit's registers).
typedef float LaneVec __attribute__((vector_size(W * sizeof(float))));

// W lanes loaded as a LaneVec (see CMakeLists.txt on -Wpsabi in the baseline build).
inline LaneVec load_lanes(const float* p) {
    LaneVec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

// W lanes of comparison results (0 or all bits set), as GCC vector comparisons give them.
typedef int32_t LaneMask __attribute__((vector_size(W * sizeof(int32_t))));

// W lanes of float64, and the integers of the same width.
typedef double LaneVec64 __attribute__((vector_size(W * sizeof(double))));
typedef int64_t LaneInt64 __attribute__((vector_size(W * sizeof(int64_t))));

// Whether any lane of m is set: one mask test (a float sum of W flags was a chain of W
// dependent adds per bin).
inline bool any_lane(LaneMask m) {
#if defined(__AVX512F__)
    if constexpr (W == 16) {
        __m512i v;
        std::memcpy(&v, &m, sizeof(v));
        return _mm512_test_epi32_mask(v, v) != 0;
    }
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) {
        __m256i v;
        std::memcpy(&v, &m, sizeof(v));
        return _mm256_testz_si256(v, v) == 0;
    }
#endif
    uint64_t parts[W / 2];
    std::memcpy(parts, &m, sizeof(parts));
    uint64_t any = 0;
    for (int i = 0; i < W / 2; ++i) any |= parts[i];
    return any != 0;
}

// v as the compiler must take it: a product rounded here is not fused into a following add or
// subtract (-mfma with GCC's default -ffp-contract=fast would), where numpy rounds each step.
// (A memory operand: any type, any target; one store and load.)
template <typename V>
GX_INLINE V rounded(V v) {
    __asm__("" : "+m"(v));
    return v;
}

// The set lanes of m as bits (lane l: bit l).
inline uint32_t lane_bits(LaneMask m) {
#if defined(__AVX512F__)
    if constexpr (W == 16) {
        __m512i v;
        std::memcpy(&v, &m, sizeof(v));
        return _mm512_test_epi32_mask(v, v);
    }
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) {
        __m256 v;
        std::memcpy(&v, &m, sizeof(v));
        return static_cast<uint32_t>(_mm256_movemask_ps(v));
    }
#endif
    uint32_t bits = 0;
    for (int l = 0; l < W; ++l) bits |= m[l] != 0 ? uint32_t{1} << l : 0u;
    return bits;
}

// Appends the lanes of a[] and b[] whose bit is set in `bits` (in lane order) at a_out + count
// and b_out + count; returns the new count. With AVX-512 it writes all W lanes of each (the
// destination needs W elements of room past the new count).
inline size_t append_lanes(uint32_t bits, const float* a, const float* b, float* a_out,
                           float* b_out, size_t count) {
#if defined(__AVX512F__)
    if constexpr (W == 16) {
        // compress in a register, then a plain store (a compressing store to memory is
        // microcoded and slow on AMD's AVX-512 cores)
        const __mmask16 m = static_cast<__mmask16>(bits);
        _mm512_storeu_ps(a_out + count, _mm512_maskz_compress_ps(m, _mm512_loadu_ps(a)));
        _mm512_storeu_ps(b_out + count, _mm512_maskz_compress_ps(m, _mm512_loadu_ps(b)));
        return count + static_cast<size_t>(__builtin_popcount(bits));
    }
#endif
    for (; bits != 0; bits &= bits - 1) {
        const int l = __builtin_ctz(bits);
        a_out[count] = a[l];
        b_out[count] = b[l];
        ++count;
    }
    return count;
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

// G rows of a bin-major bank at once, fbT[k * n_rows + g]: each spectrum row is loaded once
// for G accumulators, which stay in registers, and bin k's G weights are consecutive, one
// pointer for all (a row-major bank's G row offsets took G registers; with 12 rows the
// compiler spilled them).
template <int G>
inline void dense_rows(const float* fbT, int n_rows, int n_bins, const float* S, size_t rs,
                         float* out) {
    LaneVec acc[G];
    for (int g = 0; g < G; ++g) acc[g] = LaneVec{};
    const float* w = fbT;
    for (int k = 0; k < n_bins; ++k, w += n_rows) {
        __builtin_prefetch(S + static_cast<size_t>(k + 128 < n_bins ? k + 128 : k) * rs);
        const LaneVec s = load_lanes(S + static_cast<size_t>(k) * rs);
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) acc[g] += w[g] * s;
    }
    for (int g = 0; g < G; ++g) std::memcpy(out + static_cast<size_t>(g) * W, &acc[g], sizeof(LaneVec));
}

void dense_bank(const float* fbT, int n_rows, int n_bins, const float* S, size_t rs, float* out) {
    int c = 0;
    for (; c + 12 <= n_rows; c += 12) {
        dense_rows<12>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c + 4 <= n_rows; c += 4) {
        dense_rows<4>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c < n_rows; ++c) {
        dense_rows<1>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
}


// ---------------------------------------------------------------------------------------------
// Spectral shape features
// ---------------------------------------------------------------------------------------------
constexpr float kTinyF32 = 1.17549435082228750797e-38f;  // np.finfo(np.float32).tiny

// AVX-512: the sums over bins run in four interleaved float64 partial sums, whose order changes
// their value by ~1e-16 relative (one chain per lane waited an add's latency per bin: 0.40 ->
// 0.25 ms for 1296 frames in a C++ harness). With AVX2's 16 registers they spilled (0.36 ->
// 0.49 ms, 0.76 with two chains), so the other levels keep the plain lane loops.
#if defined(__AVX512F__)
// A row of W float32 lanes widened to float64.
inline LaneVec64 widen_lanes(const float* p) { return __builtin_convertvector(load_lanes(p), LaneVec64); }

constexpr int kChains = 4;
inline LaneVec64 sum_chains(const LaneVec64* c) { return (c[0] + c[1]) + (c[2] + c[3]); }

// Sums over bins k of S, f S and f^2 S (f = freq[k]) per lane, in kChains chains (chain j takes
// rows j, j + kChains, ...). With W = 16 the twelve pairs of registers are written out: as
// LaneVec64 values the compiler kept the sums on the stack.
inline void one_sweep_sums(const float* S, size_t rs, int n_bins, const double* freq,
                           LaneVec64* tot, LaneVec64* wsum, LaneVec64* w2sum) {
    int k = 0;
    if constexpr (W == 16) {
        __m512d t[kChains][2], w[kChains][2], q[kChains][2];
        for (int j = 0; j < kChains; ++j) {
            for (int h = 0; h < 2; ++h) t[j][h] = w[j][h] = q[j][h] = _mm512_setzero_pd();
        }
        for (; k + kChains <= n_bins; k += kChains) {
            for (int j = 0; j < kChains; ++j) {
                const __m512 x = _mm512_loadu_ps(S + static_cast<size_t>(k + j) * rs);
                const __m512d v[2] = {
                    _mm512_cvtps_pd(_mm512_castps512_ps256(x)),
                    _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(x), 1)))};
                const double fk = freq[k + j];
                const __m512d f = _mm512_set1_pd(fk), f2 = _mm512_set1_pd(fk * fk);
                for (int h = 0; h < 2; ++h) {
                    t[j][h] = _mm512_add_pd(t[j][h], v[h]);
                    w[j][h] = _mm512_fmadd_pd(f, v[h], w[j][h]);
                    q[j][h] = _mm512_fmadd_pd(f2, v[h], q[j][h]);
                }
            }
        }
        for (int j = 0; j < kChains; ++j) {
            std::memcpy(&tot[j], t[j], sizeof(LaneVec64));
            std::memcpy(&wsum[j], w[j], sizeof(LaneVec64));
            std::memcpy(&w2sum[j], q[j], sizeof(LaneVec64));
        }
    } else {
        for (; k + kChains <= n_bins; k += kChains) {
            for (int j = 0; j < kChains; ++j) {
                const LaneVec64 v = widen_lanes(S + static_cast<size_t>(k + j) * rs);
                const double f = freq[k + j];
                tot[j] += v;
                wsum[j] += f * v;
                w2sum[j] += (f * f) * v;
            }
        }
    }
    for (; k < n_bins; ++k) {
        const LaneVec64 v = widen_lanes(S + static_cast<size_t>(k) * rs);
        tot[0] += v;
        wsum[0] += freq[k] * v;
        w2sum[0] += (freq[k] * freq[k]) * v;
    }
}

void centroid_bandwidth(const float* S, size_t rs, int n_bins, const double* freq,
                        double* centroid, double* bandwidth, const double* bw_centroid, double p,
                        bool norm) {
    // librosa normalizes S by its column sum (in float64; sums below float32's tiny are left
    // alone) and rounds S / sum to float32 before weighting; summing the unrounded products and
    // dividing once differs from that by ~1e-8 relative, far inside the 1e-5 budget.
    // The bandwidth at p = 2 around this centroid comes from the same sweep (see one_sweep).
    const bool one_sweep = bandwidth != nullptr && p == 2.0 && bw_centroid == nullptr;
    LaneVec64 tot[kChains], wsum[kChains], w2sum[kChains];
    for (int j = 0; j < kChains; ++j) tot[j] = wsum[j] = w2sum[j] = LaneVec64{};
    int k = 0;
    if (one_sweep) {
        one_sweep_sums(S, rs, n_bins, freq, tot, wsum, w2sum);
        k = n_bins;
    } else {
        for (; k + kChains <= n_bins; k += kChains) {
            for (int j = 0; j < kChains; ++j) {
                const LaneVec64 v = widen_lanes(S + static_cast<size_t>(k + j) * rs);
                tot[j] += v;
                wsum[j] += freq[k + j] * v;
            }
        }
    }
    for (; k < n_bins; ++k) {
        const LaneVec64 v = widen_lanes(S + static_cast<size_t>(k) * rs);
        tot[0] += v;
        wsum[0] += freq[k] * v;
        w2sum[0] += (freq[k] * freq[k]) * v;
    }
    const LaneVec64 total = sum_chains(tot);
    const LaneVec64 wtotal = sum_chains(wsum);
    double scale[W], cen[W];  // 1 / the column sum used by the normalization; the centroid
    for (int l = 0; l < W; ++l) {
        scale[l] = 1.0 / (total[l] < kTinyF32 ? 1.0 : total[l]);
        cen[l] = wtotal[l] * scale[l];
    }
    if (centroid != nullptr) {
        GX_SIMD for (int l = 0; l < W; ++l) centroid[l] = cen[l];
    }
    if (bandwidth == nullptr) return;
    const double* c = bw_centroid != nullptr ? bw_centroid : cen;
    double a[W];
    bool two_pass = p == 2.0 && !one_sweep;
    if (one_sweep) {
        // sum S (f - c)^2 = sum S f^2 - 2 c sum S f + c^2 sum S: the cancellation costs
        // log10(sum S f^2 / sum S (f - c)^2) of float64's 16 digits. Up to 6 (~1e-10 relative
        // left: a tone's 8 Hz at 10 kHz, music ~1) the sweep's sums are kept; beyond (a nearly
        // single-bin spectrum) the block takes the second pass around c.
        const LaneVec64 w2total = sum_chains(w2sum);
        for (int l = 0; l < W; ++l) {
            const double big = w2total[l] + cen[l] * cen[l] * total[l];
            const double v = w2total[l] - 2.0 * cen[l] * wtotal[l] + cen[l] * cen[l] * total[l];
            a[l] = v > 0.0 ? v : 0.0;
            if (big > 0.0 && !(v > 1e-6 * big)) two_pass = true;
        }
    }
    if (two_pass) {
        LaneVec64 cv, acc[kChains];
        std::memcpy(&cv, c, sizeof(cv));
        for (int j = 0; j < kChains; ++j) acc[j] = LaneVec64{};
        for (k = 0; k + kChains <= n_bins; k += kChains) {
            for (int j = 0; j < kChains; ++j) {
                const LaneVec64 d = freq[k + j] - cv;
                acc[j] += widen_lanes(S + static_cast<size_t>(k + j) * rs) * (d * d);
            }
        }
        for (; k < n_bins; ++k) {
            const LaneVec64 d = freq[k] - cv;
            acc[0] += widen_lanes(S + static_cast<size_t>(k) * rs) * (d * d);
        }
        const LaneVec64 sum = sum_chains(acc);
        std::memcpy(a, &sum, sizeof(sum));
    } else if (p != 2.0) {
        for (int l = 0; l < W; ++l) a[l] = 0.0;
        for (k = 0; k < n_bins; ++k) {
            const float* s = S + static_cast<size_t>(k) * rs;
            for (int l = 0; l < W; ++l) {
                a[l] += static_cast<double>(s[l]) * std::pow(std::fabs(freq[k] - c[l]), p);
            }
        }
    }
    for (int l = 0; l < W; ++l) {
        const double v = norm ? a[l] * scale[l] : a[l];
        bandwidth[l] = p == 2.0 ? std::sqrt(v) : std::pow(v, 1.0 / p);
    }
}
#else
void centroid_bandwidth(const float* S, size_t rs, int n_bins, const double* freq,
                        double* centroid, double* bandwidth, const double* bw_centroid, double p,
                        bool norm) {
    // librosa normalizes S by its column sum (in float64; sums below float32's tiny are left
    // alone) and rounds S / sum to float32 before weighting; summing the unrounded products and
    // dividing once differs from that by ~1e-8 relative, far inside the 1e-5 budget.
    // The bandwidth at p = 2 around this centroid comes from the same sweep (see one_sweep).
    const bool one_sweep = bandwidth != nullptr && p == 2.0 && bw_centroid == nullptr;
    double total[W], cen[W], w2[W];
    GX_SIMD for (int l = 0; l < W; ++l) total[l] = cen[l] = w2[l] = 0.0;
    for (int k = 0; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        const double fk = freq[k], fk2 = fk * fk;
        if (one_sweep) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                const double v = static_cast<double>(s[l]);
                total[l] += v;
                cen[l] += fk * v;
                w2[l] += fk2 * v;
            }
        } else {
            GX_SIMD for (int l = 0; l < W; ++l) {
                const double v = static_cast<double>(s[l]);
                total[l] += v;
                cen[l] += fk * v;
            }
        }
    }
    double wtotal[W];
    GX_SIMD for (int l = 0; l < W; ++l) wtotal[l] = cen[l];
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
    bool two_pass = !one_sweep;
    if (one_sweep) {  // as the AVX-512 version, with its fallback to the second pass
        for (int l = 0; l < W; ++l) {
            const double big = w2[l] + cen[l] * cen[l] * total[l];
            const double v = w2[l] - 2.0 * cen[l] * wtotal[l] + cen[l] * cen[l] * total[l];
            acc[l] = v > 0.0 ? v : 0.0;
            if (big > 0.0 && !(v > 1e-6 * big)) two_pass = true;
        }
        if (two_pass) {
            GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.0;
        }
    }
    for (int k = 0; k < n_bins && two_pass; ++k) {
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
#endif

// numpy: cumsum in float32 (sequential), threshold = roll_percent * total (float32), then the
// smallest frequency among bins whose running sum is not below the threshold. The running sum
// never decreases (S >= 0), so those bins are all k >= (number of bins below the threshold),
// whose smallest frequency the caller tabulated (a scan per lane cost more than the sums).
// The running sums form one chain of dependent adds, so they are taken once, keeping every
// stride-th (16, or more for spectra above kRollKept * 16 bins), and each lane recounts only
// the stretch in which its sum reaches the threshold, from the kept sum before it (the same
// float32 adds in the same order). Summed twice, the second time comparing each sum, the chain
// cost twice as much (~2 % of extract).
constexpr int kRollKept = 256;

// As vectors where they pay (C++ harness, 1296 frames: AVX-512 0.60 -> 0.39-0.45 ms, AVX2
// 0.43 -> 0.22 ms); the SSE2 baseline keeps the lane loops (vectors: 0.43 -> 0.69 ms).
// kept[j] (j < n_bins / stride): the running sum after bin (j + 1) stride - 1; total: after
// the last bin.
inline void rolloff_sums(const float* S, size_t rs, int n_bins, int stride, float* kept,
                         float* total) {
#if defined(__AVX2__)
    LaneVec acc = LaneVec{};
    for (int k = 0, next = stride - 1; k < n_bins; ++k) {
        acc += load_lanes(S + static_cast<size_t>(k) * rs);
        if (k == next) {
            std::memcpy(kept + static_cast<size_t>(k / stride) * W, &acc, sizeof(acc));
            next += stride;
        }
    }
    std::memcpy(total, &acc, sizeof(acc));
#else
    float acc[W];
    GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.0f;
    for (int k = 0, next = stride - 1; k < n_bins; ++k) {
        const float* x = S + static_cast<size_t>(k) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) acc[l] += x[l];
        if (k == next) {
            float* dst = kept + static_cast<size_t>(k / stride) * W;
            GX_SIMD for (int l = 0; l < W; ++l) dst[l] = acc[l];
            next += stride;
        }
    }
    GX_SIMD for (int l = 0; l < W; ++l) total[l] = acc[l];
#endif
}

void rolloff(const float* S, size_t rs, int n_bins, const double* freq_min, float roll_percent,
             double* out) {
    int stride = 16;
    while (n_bins / stride > kRollKept) stride *= 2;
    const int n_kept = n_bins / stride;
    alignas(64) float kept[kRollKept * W];
    float total[W];
    rolloff_sums(S, rs, n_bins, stride, kept, total);
    for (int l = 0; l < W; ++l) {
        const float thr = roll_percent * total[l];
        // whole stretches below the threshold, then the stretch (or the last, partial one)
        // where the running sum reaches it, recounted bin by bin from the sum before it
        int j = 0;
        while (j < n_kept && kept[static_cast<size_t>(j) * W + l] < thr) ++j;
        int below = j * stride;
        float run = j == 0 ? 0.0f : kept[static_cast<size_t>(j - 1) * W + l];
        const int end = (j + 1) * stride < n_bins ? (j + 1) * stride : n_bins;
        for (int k = j * stride; k < end; ++k) {
            run += S[static_cast<size_t>(k) * rs + l];
            below += run < thr ? 1 : 0;
        }
        out[l] = freq_min[below < n_bins ? below : n_bins - 1];
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

// spectral_flatness's rows, made on the fly: x = max(amin, S^power) and log(x), W lanes of bin
// k. set() stores them, add() adds them (in float32, as numpy).
template <bool kSquare>
struct FlatnessRows {
    static constexpr bool kTwo = true;
    const float* S;
    size_t rs;
    float amin, power;

    template <bool kAdd>
    GX_INLINE void put(size_t k, float* GX_RESTRICT a, float* GX_RESTRICT b) const {
        const float* s = S + k * rs;
        if constexpr (kSquare) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                float x = s[l] * s[l];
                x = x > amin ? x : amin;
                const float lg = fast_logf(x);
                a[l] = kAdd ? a[l] + x : x;
                b[l] = kAdd ? b[l] + lg : lg;
            }
        } else {
            for (int l = 0; l < W; ++l) {
                float x = std::pow(s[l], power);
                x = x > amin ? x : amin;
                const float lg = std::log(x);
                a[l] = kAdd ? a[l] + x : x;
                b[l] = kAdd ? b[l] + lg : lg;
            }
        }
    }
    GX_INLINE void set(size_t k, float* a, float* b) const { put<false>(k, a, b); }
    GX_INLINE void add(size_t k, float* a, float* b) const { put<true>(k, a, b); }
};

// max(amin, S^2) rows alone, for pairwise_rows (b ignored: pass null).
struct SquareRows {
    static constexpr bool kTwo = false;
    const float* S;
    size_t rs;
    float amin;
    GX_INLINE void set(size_t k, float* GX_RESTRICT a, float*) const {
        const float* s = S + k * rs;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const float x = s[l] * s[l];
            a[l] = x > amin ? x : amin;
        }
    }
    GX_INLINE void add(size_t k, float* GX_RESTRICT a, float*) const {
        const float* s = S + k * rs;
        GX_SIMD for (int l = 0; l < W; ++l) {
            const float x = s[l] * s[l];
            a[l] += x > amin ? x : amin;
        }
    }
};

// numpy's pairwise_sum in float32 over rows [k0, k0 + n) of two row sequences made by rows
// (a and b, each W lanes): runs of 8 interleaved accumulators up to 128 rows, halves (rounded
// to a multiple of 8) above. The rows are made as they are summed, never stored.
template <class Rows>
void pairwise_rows(const Rows& rows, size_t k0, size_t n, float* sum_a, float* sum_b) {
    // (Rows::kTwo false: rows make only a; sum_b is not touched)
    constexpr bool kTwo = Rows::kTwo;
    if (n < 8) {
        GX_SIMD for (int l = 0; l < W; ++l) sum_a[l] = 0.0f;
        if constexpr (kTwo) {
            GX_SIMD for (int l = 0; l < W; ++l) sum_b[l] = 0.0f;
        }
        for (size_t i = 0; i < n; ++i) rows.add(k0 + i, sum_a, sum_b);
        return;
    }
    if (n <= 128) {
        float ra[8][W], rb[kTwo ? 8 : 1][W];
        for (int j = 0; j < 8; ++j) rows.set(k0 + j, ra[j], rb[kTwo ? j : 0]);
        size_t i = 8;
        for (; i < n - (n % 8); i += 8) {
            for (int j = 0; j < 8; ++j) rows.add(k0 + i + j, ra[j], rb[kTwo ? j : 0]);
        }
        GX_SIMD for (int l = 0; l < W; ++l) {
            sum_a[l] = ((ra[0][l] + ra[1][l]) + (ra[2][l] + ra[3][l])) +
                       ((ra[4][l] + ra[5][l]) + (ra[6][l] + ra[7][l]));
        }
        if constexpr (kTwo) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                sum_b[l] = ((rb[0][l] + rb[1][l]) + (rb[2][l] + rb[3][l])) +
                           ((rb[4][l] + rb[5][l]) + (rb[6][l] + rb[7][l]));
            }
        }
        for (; i < n; ++i) rows.add(k0 + i, sum_a, sum_b);
        return;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    float a1[W], b1[W], a2[W], b2[W];
    pairwise_rows(rows, k0, n2, a1, b1);
    pairwise_rows(rows, k0 + n2, n - n2, a2, b2);
    GX_SIMD for (int l = 0; l < W; ++l) sum_a[l] = a1[l] + a2[l];
    if constexpr (kTwo) {
        GX_SIMD for (int l = 0; l < W; ++l) sum_b[l] = b1[l] + b2[l];
    }
}

// Sum over bins of log(max(amin, S^2)) per lane, exactly up to float64 rounding: the float32
// values' exponents summed as integers, their mantissas (in [1, 2)) multiplied in float32 and
// renormalized every 64 bins, one log at the end. A product's rounding (~1e-6 relative after
// 1025 factors) moves the sum by ~1e-6, nothing after the division by n_bins. Needs amin >=
// float32's smallest normal (no subnormal x); returns false when some x overflowed to inf.
inline bool log_sum_square(const float* S, size_t rs, int n_bins, float amin, double* out) {
    constexpr int kRun = 64;  // 64 factors in [1, 2) stay below float32's 2^128
    // (as vectors: written as lane loops with memcpy'd bit patterns, it was not vectorized)
    typedef LaneMask LaneInt;  // W int32 lanes; casts between the vector types keep the bits
    const LaneInt kMant = LaneInt{} + 0x007fffff, kOne = LaneInt{} + 0x3f800000;
    LaneVec prod = LaneVec{} + 1.0f;
    LaneInt expo = LaneInt{}, top = LaneInt{};
    const LaneVec floor = LaneVec{} + amin;
    for (int k0 = 0; k0 < n_bins; k0 += kRun) {
        const int k1 = n_bins - k0 < kRun ? n_bins : k0 + kRun;
        for (int k = k0; k < k1; ++k) {
            const LaneVec s = load_lanes(S + static_cast<size_t>(k) * rs);
            LaneVec x = s * s;
            x = x > floor ? x : floor;
            const LaneInt bits = (LaneInt)x;
            const LaneInt e = bits >> 23;  // x > 0: no sign bit
            expo += e;
            top = e > top ? e : top;
            const LaneInt m = (bits & kMant) | kOne;
            prod *= (LaneVec)m;
        }
        const LaneInt bits = (LaneInt)prod;
        expo += (bits >> 23) - 127;
        const LaneInt m = (bits & kMant) | kOne;
        prod = (LaneVec)m;
    }
    bool finite = true;
    for (int l = 0; l < W; ++l) finite = finite && top[l] < 255;
    if (!finite) return false;
    const double ln2 = 0.693147180559945309;
    for (int l = 0; l < W; ++l) {
        out[l] = (static_cast<double>(expo[l]) - 127.0 * n_bins) * ln2 +
                 std::log(static_cast<double>(prod[l]));
    }
    return true;
}

template <bool kSquare>
void flatness_t(const float* S, size_t rs, int n_bins, float amin, float power, int sum_mode,
                float* out) {
    const FlatnessRows<kSquare> rows{S, rs, amin, power};
    const size_t nk = static_cast<size_t>(n_bins);
    // numpy's pairwise float32 sum of the logs stays close to their exact sum: flatness from
    // the exact sum is within 6e-7 of librosa's on music, noise and tones, 2.2e-6 on random
    // spectra and 2.7e-6 on quiet noise at n_fft 8192 (bound ~5e-6; tolerance 1e-5), so that
    // sum is taken exactly and fast. numpy's running float32 sum (sum_mode 0, librosa's
    // batches) strays up to 3e-4 and is reproduced as it is.
    double exact_log[W];
    if (kSquare && sum_mode == 1 && amin >= kTinyF32 && log_sum_square(S, rs, n_bins, amin, exact_log)) {
        float ssum[W];
        float unused[W];
        pairwise_rows(SquareRows{S, rs, amin}, 0, nk, ssum, unused);
        const float nb = static_cast<float>(n_bins);
        for (int l = 0; l < W; ++l) {
            const float g = static_cast<float>(std::exp(exact_log[l] / n_bins));
            const float a = ssum[l] / nb;
            out[l] = g / a;
        }
        return;
    }
    if (sum_mode == 2) {
        double dsum[W], dlog[W];
        GX_SIMD for (int l = 0; l < W; ++l) dlog[l] = dsum[l] = 0.0;
        for (size_t k = 0; k < nk; ++k) {
            float x[W], lg[W];
            rows.set(k, x, lg);
            GX_SIMD for (int l = 0; l < W; ++l) {
                dsum[l] += static_cast<double>(x[l]);
                dlog[l] += static_cast<double>(lg[l]);
            }
        }
        for (int l = 0; l < W; ++l) {
            const double g = std::exp(dlog[l] / n_bins);
            out[l] = static_cast<float>(g / (dsum[l] / n_bins));
        }
        return;
    }
    float ssum[W], slog[W];
    if (sum_mode == 1) {
        pairwise_rows(rows, 0, nk, ssum, slog);
    } else {
        GX_SIMD for (int l = 0; l < W; ++l) slog[l] = ssum[l] = 0.0f;
        for (size_t k = 0; k < nk; ++k) rows.add(k, ssum, slog);
    }
    const float nb = static_cast<float>(n_bins);
    for (int l = 0; l < W; ++l) {
        float g = std::exp(slog[l] / nb);
        float a = ssum[l] / nb;
        out[l] = g / a;
    }
}

void flatness(const float* S, size_t rs, int n_bins, float amin, float power, int sum_mode,
              float* out) {
    if (power == 2.0f) {
        flatness_t<true>(S, rs, n_bins, amin, power, sum_mode, out);
    } else {
        flatness_t<false>(S, rs, n_bins, amin, power, sum_mode, out);
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

// x < y ? x : y (kMax false) or x > y ? x : y per lane, as the min / max instructions compute
// them (NaN and signed zeros included). Written as the ternaries, the compiler made some of them
// a compare and blend, whose latency chained each row's insertion in select_rows.
template <bool kMax>
inline LaneVec lane_extreme(LaneVec x, LaneVec y) {
#if defined(__AVX512F__)
    if constexpr (W == 16) {
        __m512 a, b;
        std::memcpy(&a, &x, sizeof(a));
        std::memcpy(&b, &y, sizeof(b));
        const __m512 r = kMax ? _mm512_max_ps(a, b) : _mm512_min_ps(a, b);
        LaneVec out;
        std::memcpy(&out, &r, sizeof(out));
        return out;
    }
#endif
#if defined(__AVX2__)
    if constexpr (W == 8) {
        __m256 a, b;
        std::memcpy(&a, &x, sizeof(a));
        std::memcpy(&b, &y, sizeof(b));
        const __m256 r = kMax ? _mm256_max_ps(a, b) : _mm256_min_ps(a, b);
        LaneVec out;
        std::memcpy(&out, &r, sizeof(out));
        return out;
    }
#endif
    if constexpr (kMax) {
        return x > y ? x : y;
    } else {
        return x < y ? x : y;
    }
}

// The K smallest of rows [lo, hi) per lane (sign = -1: the K largest, negated), ascending into
// out [K][W]; the buffer lives in registers for small K.
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
            buf[j] = lane_extreme<false>(a, v);  // a < v ? a : v
            v = lane_extreme<true>(v, a);        // a < v ? v : a
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

// The moments of one float32 row of n >= 1 values for the feature table's statistics (cpp/stats.cpp):
// out = {mean, m2, m3, m4} (central moments over n, float64), lo / hi its min and max. Sums in
// 16 float64 partial sums (two passes: the mean, then the centred powers).
void row_moments(const float* GX_RESTRICT v, size_t n, double* out, float* lo, float* hi) {
    constexpr size_t P = 16;
    const size_t body = n - n % P;
    double s[P], a2[P], a3[P], a4[P];
    float mn[P], mx[P];
    GX_SIMD for (size_t l = 0; l < P; ++l) {
        s[l] = 0.0;
        mn[l] = v[0];
        mx[l] = v[0];
    }
    for (size_t i = 0; i < body; i += P) {
        GX_SIMD for (size_t l = 0; l < P; ++l) {
            const float x = v[i + l];
            s[l] += static_cast<double>(x);
            mn[l] = x < mn[l] ? x : mn[l];
            mx[l] = x > mx[l] ? x : mx[l];
        }
    }
    for (size_t i = body; i < n; ++i) {
        const float x = v[i];
        s[i - body] += static_cast<double>(x);
        mn[i - body] = x < mn[i - body] ? x : mn[i - body];
        mx[i - body] = x > mx[i - body] ? x : mx[i - body];
    }
    double sum = 0.0;
    float l0 = mn[0], h0 = mx[0];
    for (size_t l = 0; l < P; ++l) {
        sum += s[l];
        l0 = mn[l] < l0 ? mn[l] : l0;
        h0 = mx[l] > h0 ? mx[l] : h0;
    }
    const double mean = sum / static_cast<double>(n);
    GX_SIMD for (size_t l = 0; l < P; ++l) {
        a2[l] = 0.0;
        a3[l] = 0.0;
        a4[l] = 0.0;
    }
    for (size_t i = 0; i < body; i += P) {
        GX_SIMD for (size_t l = 0; l < P; ++l) {
            const double c = static_cast<double>(v[i + l]) - mean;
            const double c2 = c * c;
            a2[l] += c2;
            a3[l] += c2 * c;
            a4[l] += c2 * c2;
        }
    }
    for (size_t i = body; i < n; ++i) {
        const double c = static_cast<double>(v[i]) - mean;
        const double c2 = c * c;
        a2[i - body] += c2;
        a3[i - body] += c2 * c;
        a4[i - body] += c2 * c2;
    }
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (size_t l = 0; l < P; ++l) {
        m2 += a2[l];
        m3 += a3[l];
        m4 += a4[l];
    }
    const double count = static_cast<double>(n);
    out[0] = mean;
    out[1] = m2 / count;
    out[2] = m3 / count;
    out[3] = m4 / count;
    *lo = l0;
    *hi = h0;
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

// The sign class of v for zero crossings: zero_pos, negative or not (below -thr);
// otherwise negative / zero / positive with |v| <= thr as zero.
template <bool kZeroPos>
GX_INLINE int sign_class(float v, float thr) {
    if constexpr (kZeroPos) return v < -thr;
    return (v > thr) + (v >= -thr);
}

template <bool kZeroPos>
void sign_changes_t(const float* y, int64_t n, float thr, uint8_t* d) {
    GX_SIMD for (int64_t i = 1; i < n; ++i) {
        d[i] = static_cast<uint8_t>(sign_class<kZeroPos>(y[i], thr) !=
                                    sign_class<kZeroPos>(y[i - 1], thr));
    }
}

void sign_changes(const float* y, int64_t n, float threshold, bool zero_pos, uint8_t* d) {
    if (n <= 0) return;
    d[0] = 0;
    if (zero_pos) {
        sign_changes_t<true>(y, n, threshold, d);
    } else {
        sign_changes_t<false>(y, n, threshold, d);
    }
}

void window_counts(const uint8_t* d, int64_t T, int hop, int len, uint32_t* out) {
    for (int64_t t = 0; t < T; ++t) out[t] = byte_sum(d + t * hop, len);
}

template <bool kZeroPos>
void chunk_changes_t(const float* y, int64_t n, int64_t offset, int hop, int64_t n_chunks,
                     float thr, uint32_t* out, uint8_t* first) {
    for (int64_t c = 0; c < n_chunks; ++c) {
        const int64_t start = c * hop - offset, end = (c + 1) * hop - offset;
        const int64_t lo = start > 1 ? start : 1;
        const int64_t hi = end < n ? end : n;
        uint32_t count = 0;
        _Pragma("omp simd reduction(+:count)") for (int64_t i = lo; i < hi; ++i) {
            count += static_cast<uint32_t>(sign_class<kZeroPos>(y[i], thr) !=
                                           sign_class<kZeroPos>(y[i - 1], thr));
        }
        out[c] = count;
        first[c] = static_cast<uint8_t>(lo == start && lo < hi &&
                                        sign_class<kZeroPos>(y[lo], thr) !=
                                            sign_class<kZeroPos>(y[lo - 1], thr));
    }
}

void chunk_changes(const float* y, int64_t n, int64_t offset, int hop, int64_t n_chunks,
                   float threshold, bool zero_pos, uint32_t* out, uint8_t* first) {
    if (zero_pos) {
        chunk_changes_t<true>(y, n, offset, hop, n_chunks, threshold, out, first);
    } else {
        chunk_changes_t<false>(y, n, offset, hop, n_chunks, threshold, out, first);
    }
}

// Peaks at one bin from which piptrack interpolates all lanes at once (fewer: lane by lane)
constexpr int kDensePeaks = 3;

size_t piptrack(const PiptrackView& pt, const float* S, size_t rs, int n_bins, int n_valid,
                float* pitch_out, float* mag_out, size_t count) {
    // ref = threshold * column max; peaks of S * (S > ref): x[k] > x[k-1] and x[k] >= x[k+1]
    // (edges padded by repetition); shift from librosa's parabolic interpolation stencil
    // (computed in float64 as numba does, rounded to float32); mag = S + 0.5 * gradient * shift.
    // the column maxima in four chains of rows (the maximum does not depend on the order; one
    // chain waited on each compare)
    float ref[W], part[3][W];
    GX_SIMD for (int l = 0; l < W; ++l) ref[l] = part[0][l] = part[1][l] = part[2][l] = 0.0f;
    int k4 = 0;
    for (; k4 + 4 <= n_bins; k4 += 4) {
        const float* s = S + static_cast<size_t>(k4) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) {
            ref[l] = s[l] > ref[l] ? s[l] : ref[l];
            part[0][l] = s[rs + l] > part[0][l] ? s[rs + l] : part[0][l];
            part[1][l] = s[2 * rs + l] > part[1][l] ? s[2 * rs + l] : part[1][l];
            part[2][l] = s[3 * rs + l] > part[2][l] ? s[3 * rs + l] : part[2][l];
        }
    }
    for (; k4 < n_bins; ++k4) {
        const float* s = S + static_cast<size_t>(k4) * rs;
        GX_SIMD for (int l = 0; l < W; ++l) ref[l] = s[l] > ref[l] ? s[l] : ref[l];
    }
    for (int c = 0; c < 3; ++c) {
        GX_SIMD for (int l = 0; l < W; ++l) ref[l] = part[c][l] > ref[l] ? part[c][l] : ref[l];
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
        threshold_row(k + 1, tp);
        LaneMask peak;  // all bits set where lane l has a peak at bin k
        {
            const LaneVec vm = load_lanes(tm), v0 = load_lanes(t0), vp = load_lanes(tp);
            peak = (v0 > vm) & (v0 >= vp);
        }
        GX_SIMD for (int l = 0; l < W; ++l) {
            tm[l] = t0[l];
            t0[l] = tp[l];
        }
        // a peak in any lane at ~4 % of a block's bins on music: one mask test per bin, then
        // the interpolation for the peaks' lanes only (the caller only takes a median and a
        // histogram of them: their order does not matter)
        if (!any_lane(peak)) continue;
        const float* s0 = S + static_cast<size_t>(k) * rs;
        const float* sm = k > 0 ? s0 - rs : s0;
        const float* sp = k + 1 < n_bins ? s0 + rs : s0;
        const bool interior = k > 0 && k + 1 < n_bins;
        const uint32_t bits = lane_bits(peak);
        if (interior && __builtin_popcount(bits) >= kDensePeaks) {
            // many peaks at this bin (noise-like spectra: a third of the lanes or more): the
            // interpolation below for all lanes at once, then the peaks' lanes appended
            // (vector types: as a loop the conditional division stayed scalar)
            const LaneVec vp = load_lanes(sp), vm = load_lanes(sm), v0 = load_lanes(s0);
            const LaneVec64 a = __builtin_convertvector(vp + vm, LaneVec64) -
                                2.0 * __builtin_convertvector(v0, LaneVec64);
            const LaneVec64 b = __builtin_convertvector(vp - vm, LaneVec64) / 2.0;
            const LaneVec64 abs_a = a < 0.0 ? -a : a, abs_b = b < 0.0 ? -b : b;
            const LaneMask use = __builtin_convertvector(!(abs_b >= abs_a), LaneMask);
            const LaneVec shift = use ? __builtin_convertvector(-b / a, LaneVec) : LaneVec{};
            const LaneVec avg = (vp - vm) / 2.0f;
            const LaneVec64 bin = static_cast<double>(k) + __builtin_convertvector(shift, LaneVec64);
            alignas(64) float pitch[W], mag[W];
            const LaneVec pv = __builtin_convertvector(bin * pt.sr / pt.n_fft, LaneVec);
            const LaneVec mv = v0 + rounded(0.5f * avg * shift);  // numpy: S + dskew
            std::memcpy(pitch, &pv, sizeof(pv));
            std::memcpy(mag, &mv, sizeof(mv));
            count = append_lanes(bits, pitch, mag, pitch_out, mag_out, count);
            continue;
        }
        for (int l = 0; l < n_valid; ++l) {
            if (peak[l] == 0) continue;
            float shift = 0.0f;
            if (interior) {
                const double a =
                    static_cast<double>(sp[l] + sm[l]) - 2.0 * static_cast<double>(s0[l]);
                const double b = static_cast<double>(sp[l] - sm[l]) / 2.0;
                shift = !(std::fabs(b) >= std::fabs(a)) ? static_cast<float>(-b / a) : 0.0f;
            }
            const float avg = k == 0 ? sp[l] - s0[l]
                              : k + 1 == n_bins ? s0[l] - sm[l]
                                                : (sp[l] - sm[l]) / 2.0f;
            const double bin = static_cast<double>(k) + static_cast<double>(shift);
            pitch_out[count] = static_cast<float>(bin * pt.sr / pt.n_fft);
            mag_out[count] = s0[l] + rounded(0.5f * avg * shift);
            ++count;
        }
    }
    return count;
}

// log2(x) per lane for positive, finite, normal x, to ~1 ulp of float64: x = m 2^e with m in
// [sqrt(1/2), sqrt(2)), log2(m) = 2 / ln 2 atanh(t), t = (m - 1) / (m + 1) (|t| < 0.1716, so the
// series' terms past t^21 are below 2^-53 of the first).
inline LaneVec64 log2_lanes(LaneVec64 x) {
    LaneInt64 bits;
    std::memcpy(&bits, &x, sizeof(bits));
    LaneInt64 e = ((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffLL) | 0x3ff0000000000000LL;
    LaneVec64 m;
    std::memcpy(&m, &bits, sizeof(m));
    const LaneInt64 big = m > 1.41421356237309504880;
    m = big ? m * 0.5 : m;
    e = big ? e + 1 : e;
    const LaneVec64 t = (m - 1.0) / (m + 1.0);
    const LaneVec64 t2 = t * t;
    LaneVec64 p = LaneVec64{} + 1.0 / 21.0;
    for (int i = 9; i >= 0; --i) p = p * t2 + 1.0 / (2 * i + 1);
    return __builtin_convertvector(e, LaneVec64) + 2.88539008177792681472 * (t * p);
}

void tuning_bins(const TuningView& h, const float* freq, size_t n, int32_t* bin) {
    const double lo = h.edges[0], hi = h.edges[h.n_hist];
    const double norm = h.n_hist / (hi - lo);
    for (size_t i0 = 0; i0 < n; i0 += W) {
        const size_t m = n - i0 < static_cast<size_t>(W) ? n - i0 : W;
        LaneVec vf;
        if (m == static_cast<size_t>(W)) {
            vf = load_lanes(freq + i0);
        } else {  // the last, partial chunk: zeros (not counted) past the end
            alignas(64) float f[W] = {};
            std::memcpy(f, freq + i0, m * sizeof(float));
            vf = load_lanes(f);
        }
        // counted: 0 < f <= FLT_MAX and f / 27.5 > 0 in float32 (librosa drops f <= 0; inf, nan
        // and a quotient that underflows to 0 give it a nan residual, which no bin counts)
        const LaneVec quotient = vf / 27.5f;
        const LaneMask ok = (vf > 0.0f) & (vf <= 3.40282346638528859812e38f) & (quotient > 0.0f);
        // log2(f / 27.5): numpy's float32 quotient, then log2 correctly rounded to float32
        // (numpy's own float32 log2 is up to 1 ulp off: README, parity with librosa)
        const LaneVec q = ok ? quotient : LaneVec{} + 1.0f;
        const LaneVec octs = __builtin_convertvector(log2_lanes(__builtin_convertvector(q, LaneVec64)), LaneVec);
        // np.mod(bins_per_octave * octs, 1.0), folded to [-0.5, 0.5): the mod as x - trunc(x)
        // (exact; equal to fmodf for every float32 but the sign of a zero result for negative
        // whole x, which lands in the same bin)
        // (|x| >= 2^23: a whole number, residual 0)
        const LaneVec x = rounded(h.scale * octs);
        const LaneMask frac = (x < 8388608.0f) & (x > -8388608.0f);
        const LaneVec x_int = frac ? x : LaneVec{};
        LaneVec res = frac ? x - __builtin_convertvector(__builtin_convertvector(x_int, LaneMask), LaneVec) : LaneVec{};
        res = res < 0.0f ? res + 1.0f : res;
        res = res >= 0.5f ? res - 1.0f : res;
        // np.histogram's uniform-bin index with its edge corrections; lanes not counted give -1
        alignas(64) float r[W];
        alignas(64) int32_t okay[W], out[W];
        std::memcpy(r, &res, sizeof(r));
        std::memcpy(okay, &ok, sizeof(okay));
        int l0 = 0;
#if defined(__AVX512F__)
        // (8 lanes at a time, the two edge lookups as gathers; as a loop it stayed scalar)
        for (; l0 + 8 <= W; l0 += 8) {
            const __m512d v = _mm512_cvtps_pd(_mm256_load_ps(r + l0));
            const __mmask8 in = static_cast<__mmask8>(
                _mm256_cmpneq_epi32_mask(_mm256_load_si256(reinterpret_cast<const __m256i*>(okay + l0)), _mm256_setzero_si256()) &
                _mm512_cmp_pd_mask(v, _mm512_set1_pd(lo), _CMP_GE_OQ) &
                _mm512_cmp_pd_mask(v, _mm512_set1_pd(hi), _CMP_LE_OQ));
            const __m256i n_hist = _mm256_set1_epi32(h.n_hist), one = _mm256_set1_epi32(1);
            __m256i idx = _mm256_maskz_mov_epi32(in, _mm512_cvttpd_epi32(_mm512_mul_pd(_mm512_sub_pd(v, _mm512_set1_pd(lo)), _mm512_set1_pd(norm))));
            idx = _mm256_mask_sub_epi32(idx, _mm256_cmpeq_epi32_mask(idx, n_hist), idx, one);
            const __m512d e_lo = _mm512_i32gather_pd(idx, h.edges, 8);
            idx = _mm256_mask_sub_epi32(idx, _mm512_cmp_pd_mask(v, e_lo, _CMP_LT_OQ), idx, one);
            const __m512d e_hi = _mm512_i32gather_pd(_mm256_add_epi32(idx, one), h.edges, 8);
            const __mmask8 up = static_cast<__mmask8>(
                _mm512_cmp_pd_mask(v, e_hi, _CMP_GE_OQ) &
                _mm256_cmpneq_epi32_mask(idx, _mm256_sub_epi32(n_hist, one)));
            idx = _mm256_mask_add_epi32(idx, up, idx, one);
            _mm256_store_si256(reinterpret_cast<__m256i*>(out + l0),
                               _mm256_mask_blend_epi32(in, _mm256_set1_epi32(-1), idx));
        }
#endif
        for (int l = l0; l < W; ++l) {
            const double v = r[l];
            int idx = -1;
            if (okay[l] != 0 && v >= lo && v <= hi) {
                idx = static_cast<int>((v - lo) * norm);
                if (idx == h.n_hist) idx -= 1;
                if (v < h.edges[idx]) idx -= 1;
                if (v >= h.edges[idx + 1] && idx != h.n_hist - 1) idx += 1;
            }
            out[l] = idx;
        }
        std::memcpy(bin + i0, out, m * sizeof(int32_t));
    }
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
    &spectrum64d,
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
    &row_moments,
    &divide,
    &sign_changes,
    &window_counts,
    &chunk_changes,
    &db_rows,
    &piptrack,
    &tuning_bins,
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
