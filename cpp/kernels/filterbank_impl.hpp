// Filterbank products over spectrum rows of W lanes: the sparse mel bank (one run of nonzeros
// per row), the CQT's complex sparse basis and the dense chroma bank (G rows at a time).
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

void sparse_bank(const SparseBankView& bank, const float* S, size_t rs, float* out) {
    for (int m = 0; m < bank.n_rows; ++m) {
        float acc[W];
        GX_SIMD for (int l = 0; l < W; ++l) acc[l] = 0.0f;
        const float* w = bank.weights + bank.offset[m];
        const int k0 = bank.start[m];
        for (int j = 0; j < bank.len[m]; ++j) {
            const float wj = w[j];
            const float* s = S + static_cast<size_t>(k0 + j) * rs;
            GX_SIMD for (int l = 0; l < W; ++l) acc[l] += wj * s[l];
        }
        GX_SIMD for (int l = 0; l < W; ++l) out[static_cast<size_t>(m) * W + l] = acc[l];
    }
}

void complex_sparse_bank(const ComplexSparseView& bank, const float* re, const float* im,
                         float* out_re, float* out_im) {
    for (int m = 0; m < bank.n_rows; ++m) {
        float ar[W], ai[W];
        GX_SIMD for (int l = 0; l < W; ++l) ar[l] = ai[l] = 0.0f;
        for (int32_t j = bank.indptr[m]; j < bank.indptr[m + 1]; ++j) {
            const float wr = bank.data[2 * j], wi = bank.data[2 * j + 1];
            const float* xr = re + static_cast<size_t>(bank.indices[j]) * W;
            const float* xi = im + static_cast<size_t>(bank.indices[j]) * W;
            GX_SIMD for (int l = 0; l < W; ++l) {
                ar[l] += wr * xr[l] - wi * xi[l];
                ai[l] += wr * xi[l] + wi * xr[l];
            }
        }
        GX_SIMD for (int l = 0; l < W; ++l) {
            out_re[static_cast<size_t>(m) * W + l] = ar[l];
            out_im[static_cast<size_t>(m) * W + l] = ai[l];
        }
    }
}

// G rows of a bin-major bank at once, fbT[k * n_rows + g]: each spectrum row is loaded once
// for G accumulators, which stay in registers, and bin k's G weights are consecutive, one
// pointer for all (a row-major bank's G row offsets took G registers; with 12 rows the
// compiler spilled them).
template <int G>
inline void dense_rows(const float* fbT, int n_rows, int n_bins, const float* S, size_t rs,
                         float* out) {
    LaneVec acc[G];
    for (int g = 0; g < G; ++g) acc[g] = LaneVec{};
    const float* w = fbT;
    for (int k = 0; k < n_bins; ++k, w += n_rows) {
        __builtin_prefetch(S + static_cast<size_t>(k + 128 < n_bins ? k + 128 : k) * rs);
        const LaneVec s = load_lanes(S + static_cast<size_t>(k) * rs);
#pragma GCC unroll 16
        for (int g = 0; g < G; ++g) acc[g] += w[g] * s;
    }
    for (int g = 0; g < G; ++g) std::memcpy(out + static_cast<size_t>(g) * W, &acc[g], sizeof(LaneVec));
}

void dense_bank(const float* fbT, int n_rows, int n_bins, const float* S, size_t rs, float* out) {
    int c = 0;
    for (; c + 12 <= n_rows; c += 12) {
        dense_rows<12>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c + 4 <= n_rows; c += 4) {
        dense_rows<4>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
    for (; c < n_rows; ++c) {
        dense_rows<1>(fbT + c, n_rows, n_bins, S, rs, out + static_cast<size_t>(c) * W);
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
