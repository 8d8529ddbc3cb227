// zero_crossing_rate: sign changes of the signal (librosa's zero_pos and threshold rules) and
// their counts per frame, as byte sums over each hop.
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
