// Spectral shape features over spectrum rows of W lanes: centroid and bandwidth (float64 sums
// over bins) and rolloff (float32 running sums, as librosa's cumsum).
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

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

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
