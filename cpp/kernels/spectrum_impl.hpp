// The spectrum of W frames: window and transpose into the lanes, complex FFT (fft_impl.hpp),
// split to the real spectrum, and the sinks that write it (complex64 STFT, magnitude, power).
// Included by kernels_impl.hpp after fft_impl.hpp, into its per-level namespace; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

#if defined(__AVX2__) && !defined(__AVX512F__)
// In-register 8 x 8 transpose: afterwards r[c] holds element c of every input row (lane l =
// input row l).
inline void transpose8(__m256* r) {
    __m256 t[8];
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
    // r[b] (b < 4): elements b and 4 + b of rows 0-3; r[4 + b]: the same for rows 4-7.
    for (int b = 0; b < 4; ++b) {
        t[b] = _mm256_permute2f128_ps(r[b], r[4 + b], 0x20);
        t[4 + b] = _mm256_permute2f128_ps(r[b], r[4 + b], 0x31);
    }
    for (int c = 0; c < 8; ++c) r[c] = t[c];
}
#endif

#if defined(__AVX512F__) || defined(__AVX2__)
// One tile of the windowing transpose: samples i0 .. i0 + 2 kFusedTile - 1 of every frame,
// times w_tile (that stretch of the window; float32: null for none), as 2 kFusedTile rows of
// W lanes at dst (W apart), in T. float64: each row widened and windowed as it comes out of the
// in-register transpose (the products are exact in float64, as librosa's; through a float
// staging buffer, each row stored, loaded back and looped over, it took ~25 % more
// instructions); float32: windowed before the transpose.
#if defined(__AVX512F__)
constexpr size_t kFusedTile = 8;  // points per 16 x 16 transpose
inline void window_tile(const float* const* frames, size_t i0, const double* w_tile, double* dst) {
    __m512 v[16];
    for (int l = 0; l < 16; ++l) v[l] = _mm512_loadu_ps(frames[l] + i0);
    transpose16(v);
    for (int c = 0; c < 16; ++c) {
        const __m512d w = _mm512_set1_pd(w_tile[c]);
        double* row = dst + static_cast<size_t>(c) * W;
        _mm512_storeu_pd(row, _mm512_mul_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(v[c])), w));
        const __m256 upper = _mm512_extractf32x8_ps(v[c], 1);
        _mm512_storeu_pd(row + 8, _mm512_mul_pd(_mm512_cvtps_pd(upper), w));
    }
}
inline void window_tile(const float* const* frames, size_t i0, const float* w_tile, float* dst) {
    const __m512 w = w_tile != nullptr ? _mm512_loadu_ps(w_tile) : _mm512_set1_ps(1.0f);
    __m512 v[16];
    for (int l = 0; l < 16; ++l) v[l] = _mm512_mul_ps(_mm512_loadu_ps(frames[l] + i0), w);
    transpose16(v);
    for (int c = 0; c < 16; ++c) _mm512_storeu_ps(dst + static_cast<size_t>(c) * W, v[c]);
}
#else
constexpr size_t kFusedTile = 4;  // points per 8 x 8 transpose
inline void window_tile(const float* const* frames, size_t i0, const double* w_tile, double* dst) {
    __m256 v[8];
    for (int l = 0; l < 8; ++l) v[l] = _mm256_loadu_ps(frames[l] + i0);
    transpose8(v);
    for (int c = 0; c < 8; ++c) {
        const __m256d w = _mm256_set1_pd(w_tile[c]);
        double* row = dst + static_cast<size_t>(c) * W;
        _mm256_storeu_pd(row, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v[c])), w));
        _mm256_storeu_pd(row + 4, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(v[c], 1)), w));
    }
}
inline void window_tile(const float* const* frames, size_t i0, const float* w_tile, float* dst) {
    const __m256 w = w_tile != nullptr ? _mm256_loadu_ps(w_tile) : _mm256_set1_ps(1.0f);
    __m256 v[8];
    for (int l = 0; l < 8; ++l) v[l] = _mm256_mul_ps(_mm256_loadu_ps(frames[l] + i0), w);
    transpose8(v);
    for (int c = 0; c < 8; ++c) _mm256_storeu_ps(dst + static_cast<size_t>(c) * W, v[c]);
}
#endif
// (a tile is one in-register transpose of as many samples as there are lanes)
static_assert(W == 2 * static_cast<int>(kFusedTile), "the tile transposes assume W lanes");
#endif

// x[i * W + l] = frames[l][i] * window[i] for i < len (window null: 1): a blocked transpose
// into the lanes.
inline void transpose_frames(const float* const* frames, const float* window, int len, float* x) {
    int i0 = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
    for (; i0 + 2 * static_cast<int>(kFusedTile) <= len; i0 += 2 * static_cast<int>(kFusedTile)) {
        window_tile(frames, static_cast<size_t>(i0), window ? window + i0 : nullptr,
                    x + static_cast<size_t>(i0) * W);
    }
#endif
    for (; i0 < len; ++i0) {
        const float w = window ? window[i0] : 1.0f;
        for (int l = 0; l < W; ++l) x[static_cast<size_t>(i0) * W + l] = frames[l][i0] * w;
    }
}

// x[i * W + l] = frames[l][i] * window[i] in float64 (the products are exact in float64, as
// librosa's). AVX-512 / AVX2: window_tile's tiles. Baseline: the float transpose of a chunk of
// rows into an L1-resident buffer, then a widening multiply.
inline void transpose_frames64(const float* const* frames, const double* window, int len,
                               double* x) {
    int i0 = 0;
#if defined(__AVX512F__) || defined(__AVX2__)
    for (; i0 + 2 * static_cast<int>(kFusedTile) <= len; i0 += 2 * static_cast<int>(kFusedTile)) {
        window_tile(frames, static_cast<size_t>(i0), window + i0, x + static_cast<size_t>(i0) * W);
    }
#else
    constexpr int kChunk = 64;
    alignas(64) float rows[kChunk * W];
    const float* at[W];
    for (; i0 + kChunk <= len; i0 += kChunk) {
        for (int l = 0; l < W; ++l) at[l] = frames[l] + i0;
        transpose_frames(at, nullptr, kChunk, rows);
        for (int i = 0; i < kChunk; ++i) {
            const double w = window[i0 + i];
            const float* src = rows + static_cast<size_t>(i) * W;
            double* dst = x + static_cast<size_t>(i0 + i) * W;
            GX_SIMD for (int l = 0; l < W; ++l) dst[l] = static_cast<double>(src[l]) * w;
        }
    }
#endif
    for (; i0 < len; ++i0) {
        const double w = window[i0];
        double* dst = x + static_cast<size_t>(i0) * W;
        for (int l = 0; l < W; ++l) dst[l] = static_cast<double>(frames[l][i0]) * w;
    }
}

#if defined(__AVX512F__) || defined(__AVX2__)
// The windowing transpose of float frames fused with the chain's first stage, when that is
// radix 8 (ns = 1: no twiddles): point j + r m (m = n / 8) goes into butterfly j's input r. The
// 8 tiles of the butterflies j0 .. j0 + kFusedTile - 1 are staged in L1, then their butterflies
// write stage 0's output to `out`. Unfused, the transpose wrote the block's n rows (256 KB in
// float64 at n_fft 2048 on 16 lanes) and stage 0 read them back from L2. Bit for bit the unfused
// result: the same products and butterflies. Returns false (nothing done) when the plan does
// not fit.
template <typename T>
bool transpose_first_radix8(const float* const* frames, const T* window, const RfftView& f,
                            T* out) {
    const size_t n = static_cast<size_t>(f.n_complex);
    if (f.n_fft % 2 != 0 || f.blue_sub != nullptr || f.n_stages < 1 || f.stages[0].radix != 8 ||
        n % (8 * kFusedTile) != 0) {
        return false;
    }
    const size_t m = n / 8;
    alignas(64) T staging[8 * kFusedTile * kRow];
    const Ptrs<T> p{staging, out};
    for (size_t j0 = 0; j0 < m; j0 += kFusedTile) {
        for (size_t r = 0; r < 8; ++r) {
            const size_t i0 = 2 * (j0 + r * m);  // the tile's first sample
            window_tile(frames, i0, window + i0, staging + r * kFusedTile * kRow);
        }
        for (size_t jj = 0; jj < kFusedTile; ++jj) {
            radix8_inline<T>(p, jj * kRow, kFusedTile * kRow, (j0 + jj) * 8 * kRow, kRow, nullptr);
        }
    }
    return true;
}
#endif

// x[i * W + l] = frames[l][i] * window[i] for float64 frames, through 64-row chunks that stay
// in L1 (each frame's run read in order, its lane written every W doubles).
inline void transpose_frames64d(const double* const* frames, const double* window, int len,
                                double* x) {
    constexpr int kChunk = 64;
    for (int i0 = 0; i0 < len; i0 += kChunk) {
        const int m = len - i0 < kChunk ? len - i0 : kChunk;
        for (int l = 0; l < W; ++l) {
            const double* src = frames[l] + i0;
            double* dst = x + static_cast<size_t>(i0) * W + l;
            for (int i = 0; i < m; ++i) dst[static_cast<size_t>(i) * W] = src[i] * window[i0 + i];
        }
    }
}

// Windowed frames into lanes at x.
inline void transpose_any(const double* const* frames, const double* window, int len, double* x) {
    transpose_frames64d(frames, window, len, x);
}
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

// Collects a block's bins in order and writes them to a frame-major complex output (T = float:
// complex64, librosa's Fortran-ordered STFT; double: complex128): lane l's bin k at
// out[2 * (lane_offsets[l] + k)] (no output: out null, nothing written). A tile
// of bins (one 64-byte line of complex values per frame: 8 in complex64, 4 in complex128) is
// transposed in registers so that each frame gets one 64-byte store (AVX-512; two 32-byte ones
// at AVX2 in complex64) instead of 8-byte scatters (the plain loop, elsewhere).
// The producer writes each bin straight into the tile (re_slot / im_slot), then commits it.
template <typename T>
class ComplexWriter {
public:
    ComplexWriter(T* out, const size_t* lane_offsets, int n_valid) : out_(out), n_valid_(n_valid) {
        if (out == nullptr) return;
        for (int l = 0; l < n_valid; ++l) offs_[l] = 2 * lane_offsets[l];  // (n_valid entries)
    }

    T* re_slot() { return re_[count_]; }
    T* im_slot() { return im_[count_]; }
    void commit() {
        if (++count_ == kTile) flush();
    }

    void flush() {
        if (count_ == 0) return;
        if (count_ != kTile || n_valid_ != W || !store_tile()) {
            for (int l = 0; l < n_valid_; ++l) {
                T* o = out_ + offs_[l] + 2 * k0_;
                for (int c = 0; c < count_; ++c) {
                    o[2 * c] = re_[c][l];
                    o[2 * c + 1] = im_[c][l];
                }
            }
        }
        k0_ += count_;
        count_ = 0;
    }

private:
    static constexpr int kTile = 64 / (2 * static_cast<int>(sizeof(T)));

    // A whole tile of W valid lanes through the level's in-register transpose; false where the
    // level has none.
    bool store_tile() {
        if constexpr (sizeof(T) == sizeof(float)) {
#if defined(__AVX512F__)
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
                _mm512_storeu_pd(reinterpret_cast<double*>(out_ + offs_[fa] + 2 * k0_), a[e]);
                _mm512_storeu_pd(reinterpret_cast<double*>(out_ + offs_[fa + 2] + 2 * k0_), b[e]);
            }
            return true;
#elif defined(__AVX2__)
            // (re, im) pairs of bin c: a[c] for frames 0 1 | 4 5, b[c] for 2 3 | 6 7
            __m256d a[8], b[8];
            for (int c = 0; c < 8; ++c) {
                const __m256 re = _mm256_load_ps(re_[c]);
                const __m256 im = _mm256_load_ps(im_[c]);
                a[c] = _mm256_castps_pd(_mm256_unpacklo_ps(re, im));
                b[c] = _mm256_castps_pd(_mm256_unpackhi_ps(re, im));
            }
            // per half of the tile (bins h .. h + 3), a 4 x 4 transpose of each pair group
            auto store4 = [&](const __m256d* v, int h, size_t f_lo, size_t f_hi) {
                const __m256d t0 = _mm256_unpacklo_pd(v[h], v[h + 1]);
                const __m256d t1 = _mm256_unpackhi_pd(v[h], v[h + 1]);
                const __m256d t2 = _mm256_unpacklo_pd(v[h + 2], v[h + 3]);
                const __m256d t3 = _mm256_unpackhi_pd(v[h + 2], v[h + 3]);
                const size_t k = 2 * (k0_ + static_cast<size_t>(h));
                _mm256_storeu_pd(reinterpret_cast<double*>(out_ + offs_[f_lo] + k), _mm256_permute2f128_pd(t0, t2, 0x20));
                _mm256_storeu_pd(reinterpret_cast<double*>(out_ + offs_[f_lo + 1] + k), _mm256_permute2f128_pd(t1, t3, 0x20));
                _mm256_storeu_pd(reinterpret_cast<double*>(out_ + offs_[f_hi] + k), _mm256_permute2f128_pd(t0, t2, 0x31));
                _mm256_storeu_pd(reinterpret_cast<double*>(out_ + offs_[f_hi + 1] + k), _mm256_permute2f128_pd(t1, t3, 0x31));
            };
            for (int h = 0; h < 8; h += 4) {
                store4(a, h, 0, 4);
                store4(b, h, 2, 6);
            }
            return true;
#endif
        } else {
#if defined(__AVX512F__)
            for (int h = 0; h < W; h += 8) {
                // rows re_0 im_0 re_1 im_1 ... over lanes h .. h + 7; transposed, r[e] is lane
                // h + e's 4 bins as (re, im) pairs
                __m512d r[8];
                for (int c = 0; c < kTile; ++c) {
                    r[2 * c] = _mm512_load_pd(re_[c] + h);
                    r[2 * c + 1] = _mm512_load_pd(im_[c] + h);
                }
                transpose8x64(r);
                for (int e = 0; e < 8; ++e) _mm512_storeu_pd(out_ + offs_[h + e] + 2 * k0_, r[e]);
            }
            return true;
#endif
        }
        return false;
    }

    T* out_;
    size_t offs_[W] = {};
    int n_valid_;
    size_t k0_ = 0;
    int count_ = 0;
    alignas(64) T re_[kTile][W];
    alignas(64) T im_[kTile][W];
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
        : writer_(out.complex_out, out.lane_offsets, n_valid), out_(out) {}

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
            // |X| as glibc's hypotf (np.hypot) of the float32 parts: squared and summed in
            // float64, rounded once. numpy 2's abs of complex64 has its own code, within 2 ulp
            // of this (as the plain float32 formula was). In float32, |X| below ~1e-19 flushed
            // to zero and above ~1.8e19 overflowed (a decay's far bins, very quiet or loud audio).
            GX_SIMD for (int l = 0; l < W; ++l) {
                const double r = xr[l], i = xi[l];
                const float v = static_cast<float>(std::sqrt(r * r + i * i));
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
    ComplexWriter<float> writer_;
    const SpectrumOut& out_;
    alignas(64) float re_[W];
    alignas(64) float im_[W];
};

// The real spectrum of the lanes' complex FFT result z (complex rows, see kRow), through a sink
// of mode Mode.
// even: the FFT was of n_fft / 2 points packing sample pairs, and the split step unpacks it;
// otherwise it was a full n_fft-point FFT of real input, whose first n_bins bins are the answer.
// dif_m > 0: the FFT ran as complex_fft_dif with m = dif_m, and point k is in row dif_row(k).
inline size_t dif_row(size_t k, size_t m) { return (k & 7) * m + (k >> 3); }

template <typename T, unsigned Mode>
void emit_bins(const RfftView& f, const T* z, bool even, size_t dif_m, const T* split,
               const SpectrumOut& out, int n_valid) {
    BinSink<Mode> sink(out, n_valid);
    if (!even) {
        for (int k = 0; k < f.n_bins; ++k) {
            float* GX_RESTRICT xr = sink.re(k);
            float* GX_RESTRICT xi = sink.im(k);
            const T* zr = z + static_cast<size_t>(k) * kRow;
            GX_SIMD for (int l = 0; l < W; ++l) {
                xr[l] = static_cast<float>(zr[l]);
                xi[l] = static_cast<float>(zr[W + l]);
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
            xr[l] = static_cast<float>(z[l] + z[W + l]);
            xi[l] = 0.0f;
            nyq_r[l] = static_cast<float>(z[l] - z[W + l]);
        }
        sink.commit(0);
    }
    const T half = T(0.5);
    // X[k] from rows A = Z[k] and B = Z[n - k] (real lanes, imaginary lanes W after them) and
    // w^k = c + i s, rounded to float32 into xr / xi:
    // X[k] = E + (-i w^k) O, E = (A + conj B) / 2, O = (A - conj B) / 2.
    auto split_bin = [half](const T* GX_RESTRICT ar, const T* GX_RESTRICT br, T c, T s,
                            float* GX_RESTRICT xr, float* GX_RESTRICT xi) {
        const T* GX_RESTRICT ai = ar + W;
        const T* GX_RESTRICT bi = br + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            T er = half * (ar[l] + br[l]), ei = half * (ai[l] - bi[l]);
            T orr = half * (ar[l] - br[l]), oi = half * (ai[l] + bi[l]);
            // (-i) O = (oi, -orr); times w = (c, s)
            T tr = oi * c + orr * s;
            T ti = oi * s - orr * c;
            xr[l] = static_cast<float>(er + tr);
            xi[l] = static_cast<float>(ei + ti);
        }
    };
    if constexpr ((Mode & kOutComplex) == 0) {
        // Bins k and n - k from one read of rows Z[k] and Z[n - k] (the FFT's output, in L2: the
        // loop below reads each row twice, n / 2 bins apart). Bin n - k's E and O are bin k's
        // with exact sign changes (E' = conj E, O' = -conj O), so both bins are bit for bit the
        // loop below's. Ordered sinks (the complex stft) keep that loop.
        for (size_t k = 1; k <= n / 2; ++k) {
            const size_t kk = n - k;
            const T* a = z + (dif_m ? dif_row(k, dif_m) : k) * kRow;
            const T* b = z + (dif_m ? dif_row(kk, dif_m) : kk) * kRow;
            split_bin(a, b, split[2 * k], split[2 * k + 1], sink.re(static_cast<int>(k)),
                      sink.im(static_cast<int>(k)));
            sink.commit(static_cast<int>(k));
            if (kk == k) break;
            split_bin(b, a, split[2 * kk], split[2 * kk + 1], sink.re(static_cast<int>(kk)),
                      sink.im(static_cast<int>(kk)));
            sink.commit(static_cast<int>(kk));
        }
    } else {
        for (size_t k = 1; k < n; ++k) {
            const T* a = z + (dif_m ? dif_row(k, dif_m) : k) * kRow;
            const T* b = z + (dif_m ? dif_row(n - k, dif_m) : n - k) * kRow;
            split_bin(a, b, split[2 * k], split[2 * k + 1], sink.re(static_cast<int>(k)),
                      sink.im(static_cast<int>(k)));
            sink.commit(static_cast<int>(k));
        }
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

// The real spectrum of z in T, unrounded, into out.complex_out64 (frame-major complex128; the
// split step as emit_bins's, without its rounding to float32). Only float64 audio's stft asks
// for it.
template <typename T>
void emit_complex128(const RfftView& f, const T* z, bool even, size_t dif_m, const T* split,
                     const SpectrumOut& out, int n_valid) {
    ComplexWriter<double> writer(out.complex_out64, out.lane_offsets, n_valid);
    auto row = [&](size_t k) { return z + (dif_m ? dif_row(k, dif_m) : k) * kRow; };
    if (!even) {
        for (int k = 0; k < f.n_bins; ++k) {
            const T* zr = row(static_cast<size_t>(k));
            double* GX_RESTRICT xr = writer.re_slot();
            double* GX_RESTRICT xi = writer.im_slot();
            for (int l = 0; l < W; ++l) {
                xr[l] = static_cast<double>(zr[l]);
                xi[l] = static_cast<double>(zr[W + l]);
            }
            writer.commit();
        }
        writer.flush();
        return;
    }
    const size_t n = static_cast<size_t>(f.n_complex);
    alignas(64) double nr[W];
    const T* z0 = row(0);
    {
        double* GX_RESTRICT xr = writer.re_slot();
        double* GX_RESTRICT xi = writer.im_slot();
        for (int l = 0; l < W; ++l) {
            xr[l] = static_cast<double>(z0[l] + z0[W + l]);  // bins 0 and n are real
            xi[l] = 0.0;
            nr[l] = static_cast<double>(z0[l] - z0[W + l]);
        }
        writer.commit();
    }
    const T half = T(0.5);
    for (size_t k = 1; k < n; ++k) {
        const T* GX_RESTRICT ar = row(k);
        const T* GX_RESTRICT br = row(n - k);
        const T* GX_RESTRICT ai = ar + W;
        const T* GX_RESTRICT bi = br + W;
        const T c = split[2 * k], sn = split[2 * k + 1];
        double* GX_RESTRICT xr = writer.re_slot();
        double* GX_RESTRICT xi = writer.im_slot();
        GX_SIMD for (int l = 0; l < W; ++l) {
            // as emit_bins's split_bin: X[k] = E + (-i w^k) O
            const T er = half * (ar[l] + br[l]), ei = half * (ai[l] - bi[l]);
            const T orr = half * (ar[l] - br[l]), oi = half * (ai[l] + bi[l]);
            xr[l] = static_cast<double>(er + (oi * c + orr * sn));
            xi[l] = static_cast<double>(ei + (oi * sn - orr * c));
        }
        writer.commit();
    }
    double* GX_RESTRICT xr = writer.re_slot();
    double* GX_RESTRICT xi = writer.im_slot();
    for (int l = 0; l < W; ++l) {
        xr[l] = nr[l];
        xi[l] = 0.0;
    }
    writer.commit();
    writer.flush();
}

template <typename T>
void emit_any(const RfftView& f, const T* z, bool even, size_t dif_m, const T* split,
              const SpectrumOut& out, int n_valid) {
    if (out.complex_out64 != nullptr) emit_complex128<T>(f, z, even, dif_m, split, out, n_valid);
    switch (sink_mode(out)) {
#define GX_EMIT(m) \
    case m: emit_bins<T, m>(f, z, even, dif_m, split, out, n_valid); return;
        GX_EMIT(1) GX_EMIT(2) GX_EMIT(3) GX_EMIT(4) GX_EMIT(5) GX_EMIT(6) GX_EMIT(7) GX_EMIT(8)
        GX_EMIT(9) GX_EMIT(10) GX_EMIT(11) GX_EMIT(12) GX_EMIT(13) GX_EMIT(14) GX_EMIT(15)
#undef GX_EMIT
        default: return;  // nothing asked for
    }
}

template <typename T, typename Sample>
void spectrum_t(const RfftView& f, const T* window, const Sample* const* frames_in, int n_valid,
                T* work, const SpectrumOut& out) {
    const size_t n = static_cast<size_t>(f.n_complex);
    const Sample* frames[W];
    for (int l = 0; l < W; ++l) frames[l] = frames_in[l < n_valid ? l : 0];
    const FftWork<T> buffers(f, work);
    T* buf0 = buffers.buf0;
    T* buf1 = buffers.buf1;
    T* scratch = buffers.scratch;
    const bool even = (f.n_fft % 2) == 0;
    const T* z;
    size_t dif_m = 0;
    if (even) {
#if defined(__AVX512F__) || defined(__AVX2__)
        // (the float32 spectra's decimation-in-frequency plans run their own first pass)
        if constexpr (sizeof(Sample) == sizeof(float)) {
            if ((sizeof(T) == sizeof(double) || f.dif_sub == nullptr) &&
                transpose_first_radix8<T>(frames, window, f, buf1)) {
                const int which = run_chain<T>(n, f.stages, f.n_stages, buf1, kRow, buf0, buf1, scratch, 1);
                z = which == 0 ? buf0 : buf1;
                emit_any<T>(f, z, even, 0, split_table(f, window), out, n_valid);
                return;
            }
        }
#endif
        // Sample 2j is the real part and 2j + 1 the imaginary part of point j: the transposed
        // rows are the points' complex rows (kRow apart) as they are.
        transpose_any(frames, window, f.n_fft, buf0);
        // (float32 only: in float64, on 16 or 8 lanes, it measured 4-12 % slower than the plain
        // chain, still ~5 % slower once the butterflies worked a register at a time, and 12 %
        // slower on complex rows at n_fft 2048, AVX-512)
        if (f.dif_sub != nullptr && sizeof(T) == sizeof(float)) {
            dif_m = static_cast<size_t>(f.dif_sub->n_complex);
            z = complex_fft_dif<T>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
        } else {
            z = complex_fft<T>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
        }
    } else {
        // real points: the transposed rows (W apart) spread to complex rows with zero
        // imaginary parts, from the last row down (each row moves up, never over a later one)
        transpose_any(frames, window, f.n_fft, buf1);
        for (size_t j = n; j-- > 0;) {
            T* row = buf1 + j * kRow;
            if (j > 0) std::memmove(row, buf1 + j * W, W * sizeof(T));
            std::memset(row + W, 0, W * sizeof(T));
        }
        z = complex_fft<T>(f, buf1, kRow, buf1, buf0, scratch) == 0 ? buf1 : buf0;
    }
    emit_any<T>(f, z, even, dif_m, split_table(f, window), out, n_valid);
}

void spectrum(const RfftView& f, const float* window, const float* const* frames, int n_valid,
              float* work, const SpectrumOut& out) {
    spectrum_t<float, float>(f, window, frames, n_valid, work, out);
}

void spectrum64(const RfftView& f, const double* window, const float* const* frames, int n_valid,
                double* work, const SpectrumOut& out) {
    spectrum_t<double, float>(f, window, frames, n_valid, work, out);
}

void spectrum64d(const RfftView& f, const double* window, const double* const* frames, int n_valid,
                 double* work, const SpectrumOut& out) {
    spectrum_t<double, double>(f, window, frames, n_valid, work, out);
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
