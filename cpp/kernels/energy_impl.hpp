// Energy: rms's frame energies from the signal (each hop summed once), the power sum of a
// spectrum (rms from S) and power_to_db's rows (mfcc).
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

inline double sum_squares(const float* x, int len) {
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= len; i += 8) {
        GX_SIMD for (int j = 0; j < 8; ++j) {
            const double v = static_cast<double>(x[i + j]);
            acc[j] += v * v;
        }
    }
    double total = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < len; ++i) total += static_cast<double>(x[i]) * x[i];
    return total;
}

void frame_energy(const float* const* frames, int n_valid, int frame_length, int hop,
                  double* out) {
    constexpr int kMaxChunks = 64;
    for (int l = n_valid; l < W; ++l) out[l] = 0.0;
    if (n_valid <= 0) return;
    const int q = hop > 0 && frame_length % hop == 0 ? frame_length / hop : 0;
    if (q < 2 || q > kMaxChunks) {
        for (int l = 0; l < n_valid; ++l) out[l] = sum_squares(frames[l], frame_length);
        return;
    }
    // Consecutive frames overlap by whole hops: sum each hop of samples once. Chunk j is frame
    // j's first hop for j < n_valid, then the last frame's later hops.
    double chunk[W + kMaxChunks];
    for (int l = 0; l < n_valid; ++l) chunk[l] = sum_squares(frames[l], hop);
    for (int j = 1; j < q; ++j) chunk[n_valid - 1 + j] = sum_squares(frames[n_valid - 1] + j * hop, hop);
    for (int l = 0; l < n_valid; ++l) {
        double total = 0.0;
        for (int j = 0; j < q; ++j) total += chunk[l + j];
        out[l] = total;
    }
}


void power_sum(const float* S, size_t rs, int n_bins, bool halve_last, double* out) {
    double acc[W];
    GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.5 * static_cast<double>(S[l]);
    for (int k = 1; k < n_bins; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        const double w = (k == n_bins - 1 && halve_last) ? 0.5 : 1.0;
        GX_SIMD for (int l = 0; l < W; ++l) acc[l] += w * static_cast<double>(s[l]);
    }
    GX_SIMD for (int l = 0; l < W; ++l) out[l] = acc[l];
}


void db_rows(const float* S, size_t rs, int rows, float amin, float floor, float* out) {
    const float ten_over_ln10 = 4.342944819032518f;
    for (int k = 0; k < rows; ++k) {
        const float* s = S + static_cast<size_t>(k) * rs;
        float* o = out + static_cast<size_t>(k) * W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            float v = s[l] > amin ? s[l] : amin;
            float d = ten_over_ln10 * fast_logf(v);
            o[l] = d > floor ? d : floor;
        }
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
