// Lane helpers every kernel uses: W lanes as GCC vector values, lane masks and their bits,
// float32's tiny and a vectorizable float32 log.
// Included by kernels_impl.hpp into its per-level namespace, after spectrum_impl.hpp; same rules.

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
