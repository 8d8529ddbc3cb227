// Running medians across W lanes (librosa.decompose.hpss's median filters) and hpss's soft
// masks. Included at the very end of kernels_impl.hpp, into the same per-level namespace.
//
// median_lanes keeps, per lane, the k values of the window sorted ([k][W], ascending). One step
// removes the value leaving the window and inserts the one entering it, branch-free across the
// lanes, in one pass over the sorted rows:
//   t[j] = s[j] >= out ? s[j + 1] : s[j]          (delete the first copy of `out`; j < k - 1)
//   s[j] = min(max(t[j - 1], in), t[j])           (insert `in`; t[-1] = -inf, t[k - 1] = +inf)
// The result is exact (a selection, like scipy.ndimage.median_filter's), O(k) vector operations
// per step for W outputs.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// The window held in registers (GCC vector values) for a compile-time size K.
template <int K>
void median_lanes_fixed(const float* const* rows, int64_t n_out, int rank, float* out,
                        size_t out_stride) {
    LaneVec s[K];
    const LaneVec inf = LaneVec{} + INFINITY;
    for (int j = 0; j < K; ++j) s[j] = inf;
    for (int i = 0; i < K; ++i) {  // insertion of the first window
        const LaneVec x = load_lanes(rows[i]);
        LaneVec prev = LaneVec{} - INFINITY;
        for (int j = 0; j < K; ++j) {
            const LaneVec t = s[j];
            const LaneVec m = prev > x ? prev : x;
            s[j] = m < t ? m : t;
            prev = t;
        }
    }
    std::memcpy(out, &s[rank], sizeof(LaneVec));
    for (int64_t i = 1; i < n_out; ++i) {
        const LaneVec xo = load_lanes(rows[i - 1]);
        const LaneVec xi = load_lanes(rows[i + K - 1]);
        LaneVec prev = LaneVec{} - INFINITY;
        for (int j = 0; j < K; ++j) {
            const LaneVec t = j + 1 < K ? (s[j] >= xo ? s[j + 1] : s[j]) : inf;
            const LaneVec m = prev > xi ? prev : xi;
            s[j] = m < t ? m : t;
            prev = t;
        }
        std::memcpy(out + static_cast<size_t>(i) * out_stride, &s[rank], sizeof(LaneVec));
    }
}

// Any k: the window in `work` ([k][W] floats).
void median_lanes_any(const float* const* rows, int64_t n_out, int k, int rank, float* work,
                      float* out, size_t out_stride) {
    float* s = work;
    for (int j = 0; j < k; ++j) {
        GX_SIMD for (int l = 0; l < W; ++l) s[static_cast<size_t>(j) * W + l] = INFINITY;
    }
    float prev[W], x[W], xo[W];
    for (int i = 0; i < k; ++i) {
        GX_SIMD for (int l = 0; l < W; ++l) {
            x[l] = rows[i][l];
            prev[l] = -INFINITY;
        }
        for (int j = 0; j < k; ++j) {
            float* sj = s + static_cast<size_t>(j) * W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                const float t = sj[l];
                const float m = prev[l] > x[l] ? prev[l] : x[l];
                sj[l] = m < t ? m : t;
                prev[l] = t;
            }
        }
    }
    std::memcpy(out, s + static_cast<size_t>(rank) * W, sizeof(float) * W);
    for (int64_t i = 1; i < n_out; ++i) {
        GX_SIMD for (int l = 0; l < W; ++l) {
            xo[l] = rows[i - 1][l];
            x[l] = rows[i + k - 1][l];
            prev[l] = -INFINITY;
        }
        for (int j = 0; j + 1 < k; ++j) {
            float* sj = s + static_cast<size_t>(j) * W;
            const float* sn = sj + W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                const float t = sj[l] >= xo[l] ? sn[l] : sj[l];
                const float m = prev[l] > x[l] ? prev[l] : x[l];
                sj[l] = m < t ? m : t;
                prev[l] = t;
            }
        }
        float* sl = s + static_cast<size_t>(k - 1) * W;
        GX_SIMD for (int l = 0; l < W; ++l) sl[l] = prev[l] > x[l] ? prev[l] : x[l];
        std::memcpy(out + static_cast<size_t>(i) * out_stride, s + static_cast<size_t>(rank) * W,
                    sizeof(float) * W);
    }
}

// out row i (W floats at out + i * out_stride) = the rank-th smallest (0-based) of rows
// i .. i + k - 1, per lane; rows has n_out + k - 1 entries of W floats each.
void median_lanes(const float* const* rows, int64_t n_out, int k, int rank, float* work,
                  float* out, size_t out_stride) {
    if (n_out <= 0) return;
    switch (k) {
        case 31: median_lanes_fixed<31>(rows, n_out, rank, out, out_stride); return;
        case 17: median_lanes_fixed<17>(rows, n_out, rank, out, out_stride); return;
        default: median_lanes_any(rows, n_out, k, rank, work, out, out_stride);
    }
}

// librosa.util.softmask(X, X_ref, power, split_zeros) in float32, as numpy computes it.
inline float soft_mask(float x, float x_ref, float power, bool split_zeros) {
    float z = x > x_ref ? x : x_ref;  // np.maximum (no NaN here)
    const bool bad = z < 1.17549435e-38f;
    if (std::isinf(power)) return x > x_ref ? 1.0f : 0.0f;  // hard mask (bool in librosa)
    if (bad) return split_zeros ? 0.5f : 0.0f;
    float a = x / z, b = x_ref / z;
    if (power == 2.0f) {
        a = a * a;
        b = b * b;
    } else if (power != 1.0f) {
        a = std::pow(a, power);
        b = std::pow(b, power);
    }
    return a / (a + b);
}

// The soft masks of W elements (finite power 1 or 2, the common case), as numpy computes
// them in float32.
// numpy divides both X and X_ref by Z = max(X, X_ref): one of the two quotients is Z / Z,
// exactly 1, so one division gives both (bitwise what numpy computes).
inline void masks_fast(const float* h, const float* p, bool square, float margin_h,
                       float margin_p, float fill, float* mh, float* mp) {
    GX_SIMD for (int l = 0; l < W; ++l) {
        const float hr = p[l] * margin_h, pr = h[l] * margin_p;
        const bool h_big = h[l] > hr, p_big = p[l] > pr;
        const float zh = h_big ? h[l] : hr, zp = p_big ? p[l] : pr;
        const bool bh = zh < 1.17549435e-38f, bp = zp < 1.17549435e-38f;
        const float qh = (h_big ? hr : h[l]) / (bh ? 1.0f : zh);
        const float qp = (p_big ? pr : p[l]) / (bp ? 1.0f : zp);
        // (X / Z, X_ref / Z) is (1, q) when X is the larger, else (q, 1)
        float a = h_big ? 1.0f : qh, b = h_big ? qh : 1.0f;
        float c = p_big ? 1.0f : qp, d = p_big ? qp : 1.0f;
        if (bh) a = b = 0.0f;  // (masked below; keeps the lanes finite)
        if (bp) c = d = 0.0f;
        if (square) {
            a = a * a;
            b = b * b;
            c = c * c;
            d = d * d;
        }
        mh[l] = bh ? fill : a / (a + b);
        mp[l] = bp ? fill : c / (c + d);
    }
}

// hpss outputs over n elements (one or more whole frames, frame-major): masks, or the
// components (S * mask) * phase. D (interleaved complex, nullable: a real S with phase 1),
// mag = |D| (or S), harm / perc the median-filtered magnitudes. margins multiply the other
// component (librosa: mask_h = softmask(harm, perc * margin_h), mask_p = softmask(perc,
// harm * margin_p)); out_h / out_p nullable, complex interleaved when D is given and !masks.
void hpss_combine(const float* D, const float* mag, const float* harm, const float* perc,
                  size_t n, float power, float margin_h, float margin_p, bool split_zeros,
                  bool masks, float* out_h, float* out_p) {
    const bool fast = (power == 2.0f || power == 1.0f);
    const bool square = power == 2.0f;
    const float fill = split_zeros ? 0.5f : 0.0f;
    alignas(64) float hb[W], pb[W], mb[W], db[2 * W];
    alignas(64) float mh[W], mp[W], oh[2 * W], op[2 * W];
    for (size_t i0 = 0; i0 < n; i0 += W) {
        const int m = n - i0 < static_cast<size_t>(W) ? static_cast<int>(n - i0) : W;
        const bool whole = m == W;
        // a partial block is copied (zero-padded) so that every loop below runs over W lanes
        const float* h = harm + i0;
        const float* p = perc + i0;
        const float* s = mag + i0;
        const float* d = D != nullptr ? D + 2 * i0 : nullptr;
        if (!whole) {
            for (int l = 0; l < W; ++l) {
                hb[l] = l < m ? h[l] : 0.0f;
                pb[l] = l < m ? p[l] : 0.0f;
                mb[l] = l < m ? s[l] : 0.0f;
                db[2 * l] = (d != nullptr && l < m) ? d[2 * l] : 0.0f;
                db[2 * l + 1] = (d != nullptr && l < m) ? d[2 * l + 1] : 0.0f;
            }
            h = hb;
            p = pb;
            s = mb;
            if (d != nullptr) d = db;
        }
        if (fast) {
            masks_fast(h, p, square, margin_h, margin_p, fill, mh, mp);
        } else {
            for (int l = 0; l < W; ++l) {
                mh[l] = soft_mask(h[l], p[l] * margin_h, power, split_zeros);
                mp[l] = soft_mask(p[l], h[l] * margin_p, power, split_zeros);
            }
        }
        float* dh = out_h != nullptr ? out_h + (masks || d == nullptr ? 1 : 2) * i0 : nullptr;
        float* dp = out_p != nullptr ? out_p + (masks || d == nullptr ? 1 : 2) * i0 : nullptr;
        if (masks) {
            if (dh) std::memcpy(dh, mh, sizeof(float) * m);
            if (dp) std::memcpy(dp, mp, sizeof(float) * m);
            continue;
        }
        if (d == nullptr) {
            GX_SIMD for (int l = 0; l < W; ++l) {
                oh[l] = s[l] * mh[l];
                op[l] = s[l] * mp[l];
            }
            if (dh) std::memcpy(dh, oh, sizeof(float) * m);
            if (dp) std::memcpy(dp, op, sizeof(float) * m);
            continue;
        }
        // librosa.magphase: phase = D / |D| (1 + 0j where |D| == 0), then (S * mask) * phase
        GX_SIMD for (int l = 0; l < W; ++l) {
            const bool zero = s[l] == 0.0f;
            const float nz = zero ? 1.0f : s[l];
            const float pr = d[2 * l] / nz + (zero ? 1.0f : 0.0f);
            const float pi = d[2 * l + 1] / nz;
            const float sh = s[l] * mh[l], sp = s[l] * mp[l];
            oh[2 * l] = sh * pr;
            oh[2 * l + 1] = sh * pi;
            op[2 * l] = sp * pr;
            op[2 * l + 1] = sp * pi;
        }
        if (dh) std::memcpy(dh, oh, sizeof(float) * 2 * m);
        if (dp) std::memcpy(dp, op, sizeof(float) * 2 * m);
    }
}

// |D| of n interleaved complex values (float32; as np.hypot, within 2 ulp of numpy's abs).
void complex_abs(const float* D, size_t n, float* out) {
    GX_SIMD for (size_t i = 0; i < n; ++i) {
        // as glibc's hypotf: squares summed in float64, no under- or overflow
        const double re = D[2 * i], im = D[2 * i + 1];
        out[i] = static_cast<float>(std::sqrt(re * re + im * im));
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
