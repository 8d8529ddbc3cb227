// Kernels of the tempo estimate (librosa.feature.tempogram's local autocorrelation). Included
// at the very end of kernels_impl.hpp, into the same per-level namespace.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// ac[k] = sum_{i < L - k} x[i] x[i + k] for k < L, in float64 (the inner loop runs over the
// lags, contiguous, one broadcast multiply-add per sample).
void autocorrelate(const double* x, int L, double* ac) {
    GX_SIMD for (int k = 0; k < L; ++k) ac[k] = 0.0;
    for (int i = 0; i < L; ++i) {
        const double xi = x[i];
        if (xi == 0.0) continue;
        const double* xs = x + i;
        const int m = L - i;
        GX_SIMD for (int k = 0; k < m; ++k) ac[k] += xi * xs[k];
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
