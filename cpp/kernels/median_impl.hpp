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

// hpss outputs over n elements (one or more whole frames, frame-major): masks, or the
// components (S * mask) * phase. D (interleaved complex, nullable: a real S with phase 1),
// mag = |D| (or S), harm / perc the median-filtered magnitudes. margins multiply the other
// component (librosa: mask_h = softmask(harm, perc * margin_h), mask_p = softmask(perc,
// harm * margin_p)); out_h / out_p nullable, complex interleaved when D is given and !masks.
void hpss_combine(const float* D, const float* mag, const float* harm, const float* perc,
                  size_t n, float power, float margin_h, float margin_p, bool split_zeros,
                  bool masks, float* out_h, float* out_p) {
    const bool generic = !(power == 2.0f || power == 1.0f) || std::isinf(power);
    for (size_t i0 = 0; i0 < n; i0 += W) {
        const int m = n - i0 < static_cast<size_t>(W) ? static_cast<int>(n - i0) : W;
        float mh[W], mp[W];
        if (generic) {
            for (int l = 0; l < m; ++l) {
                const float h = harm[i0 + l], p = perc[i0 + l];
                mh[l] = soft_mask(h, p * margin_h, power, split_zeros);
                mp[l] = soft_mask(p, h * margin_p, power, split_zeros);
            }
        } else {
            const bool square = power == 2.0f;
            const float fill = split_zeros ? 0.5f : 0.0f;
            GX_SIMD for (int l = 0; l < W; ++l) {
                const float h = l < m ? harm[i0 + l] : 0.0f;
                const float p = l < m ? perc[i0 + l] : 0.0f;
                const float hr = p * margin_h, pr = h * margin_p;
                const float zh = h > hr ? h : hr, zp = p > pr ? p : pr;
                const bool bh = zh < 1.17549435e-38f, bp = zp < 1.17549435e-38f;
                float a = h / (bh ? 1.0f : zh), b = hr / (bh ? 1.0f : zh);
                float c = p / (bp ? 1.0f : zp), d = pr / (bp ? 1.0f : zp);
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
        if (masks) {
            if (out_h) std::memcpy(out_h + i0, mh, sizeof(float) * m);
            if (out_p) std::memcpy(out_p + i0, mp, sizeof(float) * m);
            continue;
        }
        if (D == nullptr) {
            for (int l = 0; l < m; ++l) {
                if (out_h) out_h[i0 + l] = mag[i0 + l] * mh[l];
                if (out_p) out_p[i0 + l] = mag[i0 + l] * mp[l];
            }
            continue;
        }
        // librosa.magphase: phase = D / |D| (1 + 0j where |D| == 0), then (S * mask) * phase
        float pr[W], pi[W], sh[W], sp[W];
        GX_SIMD for (int l = 0; l < W; ++l) {
            const float s = l < m ? mag[i0 + l] : 0.0f;
            const float re = l < m ? D[2 * (i0 + l)] : 0.0f;
            const float im = l < m ? D[2 * (i0 + l) + 1] : 0.0f;
            const bool zero = s == 0.0f;
            const float nz = zero ? 1.0f : s;
            pr[l] = re / nz + (zero ? 1.0f : 0.0f);
            pi[l] = im / nz;
            sh[l] = s * mh[l];
            sp[l] = s * mp[l];
        }
        for (int l = 0; l < m; ++l) {
            if (out_h) {
                out_h[2 * (i0 + l)] = sh[l] * pr[l];
                out_h[2 * (i0 + l) + 1] = sh[l] * pi[l];
            }
            if (out_p) {
                out_p[2 * (i0 + l)] = sp[l] * pr[l];
                out_p[2 * (i0 + l) + 1] = sp[l] * pi[l];
            }
        }
    }
}

// |D| of n interleaved complex values (float32, as numpy's abs of complex64).
void complex_abs(const float* D, size_t n, float* out) {
    GX_SIMD for (size_t i = 0; i < n; ++i) {
        const float re = D[2 * i], im = D[2 * i + 1];
        out[i] = std::sqrt(re * re + im * im);
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
