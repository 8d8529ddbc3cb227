// spectral_flatness over spectrum rows of W lanes: the geometric over the arithmetic mean of
// max(amin, S^power), with numpy's float32 pairwise sums or an exact float64 log sum.
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
