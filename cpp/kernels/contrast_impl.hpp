// spectral_contrast's peaks and valleys: per band and lane, the mean of the largest and of the
// smallest values (librosa's quantile of the sorted band), by a sorted insertion network.
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
