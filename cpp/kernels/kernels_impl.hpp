// The kernels, written once as plain loops over W lanes (frames) that the compiler vectorizes for
// the ISA of the translation unit that includes this file. Include it only from
// cpp/kernels/level_*.cpp after defining GENREFX_LEVEL (a namespace name) and GENREFX_LANES.
// Here: the lane helpers every part uses, and the table of entry points. The parts, one header
// per concept, included in this order: fft_impl.hpp (the complex FFT), spectrum_impl.hpp
// (windowed frames to spectra); after the helpers filterbank_impl.hpp (mel, chroma, CQT
// basis), shape_impl.hpp (centroid, bandwidth, rolloff), flatness_impl.hpp, contrast_impl.hpp,
// energy_impl.hpp (rms, power sums, dB), zcr_impl.hpp, stats_impl.hpp (the table's row
// statistics), pitch_impl.hpp (piptrack, tuning); at the end inverse_impl.hpp (the inverse
// FFT), median_impl.hpp (hpss) and rhythm_impl.hpp (the tempogram's autocorrelation).
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

constexpr float kTinyF32 = 1.17549435082228750797e-38f;  // np.finfo(np.float32).tiny

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx

#include "kernels/filterbank_impl.hpp"
#include "kernels/shape_impl.hpp"
#include "kernels/flatness_impl.hpp"
#include "kernels/contrast_impl.hpp"
#include "kernels/energy_impl.hpp"
#include "kernels/zcr_impl.hpp"
#include "kernels/stats_impl.hpp"
#include "kernels/pitch_impl.hpp"

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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
