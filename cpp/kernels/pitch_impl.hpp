// Pitch: piptrack's interpolated peaks over spectrum rows of W lanes and the tuning
// histogram's bins (librosa.estimate_tuning).
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
