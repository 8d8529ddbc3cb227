// The 2:1 decimation by an FIR filter (soxr_hq's, measured by python/genrefx/_halving.py), W
// blocks at once by overlap-save FFT convolution. Included at the very end of kernels_impl.hpp,
// into the same per-level namespace: it reuses transpose_frames, complex_fft, irfft_lanes_t and
// from_lanes, and follows the same rules (no allocation, no shared inline templates).
//
// A block is N = n_fft input samples u. With Z = U G (G the N-point spectrum of the filter's
// taps, causal), the circular convolution z = IFFT_N(Z) is the linear one at t >= taps - 1, and
// its even samples z[2q] are the N / 2-point inverse transform of the folded spectrum
//   Z2[k] = (Z[k] + Z[k + N / 2]) / 2 = (Z[k] + conj Z[N / 2 - k]) / 2,  k <= N / 4
// (z is real), so the inverse runs at half size. The driver prescales G by the fold's 1 / 2,
// the inverse FFT's 1 / n_complex and the output gain.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// frames[l] points at f.n_fft float32 samples (l < n_valid; f's n_fft a power of two, plain
// chain); G holds f.n_bins complex (re, im) float32 values; half is the plan of n_fft / 2.
// Writes samples skip .. skip + count - 1 of block l's decimated convolution to
// out[l * out_stride + i], i < count. work: 2 * (half.n_bins + 1) * W + f.work_floats(W) floats.
void decimate2_frames(const RfftView& f, const RfftView& half, const float* G,
                      const float* const* frames_in, int n_valid, int skip, int count, float* work,
                      float* out, size_t out_stride) {
    const size_t n = static_cast<size_t>(f.n_complex);  // N / 2
    const float* frames[W];
    for (int l = 0; l < W; ++l) frames[l] = frames_in[l < n_valid ? l : 0];
    float* X = work;
    float* fw = work + 2 * static_cast<size_t>(half.n_bins + 1) * W;
    const FftWork<float> buffers(f, fw);
    float* buf0 = buffers.buf0;
    float* buf1 = buffers.buf1;
    float* scratch = buffers.scratch;
    // samples 2j and 2j + 1 are the real and imaginary parts of point j (its complex row)
    transpose_frames(frames, nullptr, f.n_fft, buf0);
    const float* z = complex_fft<float>(f, buf0, kRow, buf0, buf1, scratch) == 0 ? buf0 : buf1;
    const float* split = f.split;
    // Z2[k] = Z[k] + conj Z[n - k] (the 1 / 2 is in G), into X's rows for the inverse.
    // k = 0: the real spectrum's bins 0 and n (both real) from point 0
    {
        const float g0 = G[0], gn = G[2 * n], gni = G[2 * n + 1], g0i = G[1];
        GX_SIMD for (int l = 0; l < W; ++l) {
            const float x0 = z[l] + z[W + l], xn = z[l] - z[W + l];
            X[l] = x0 * g0 + xn * gn;
            X[W + l] = x0 * g0i - xn * gni;
        }
    }
    // k = 1 .. N / 4: the split step of kernels/spectrum_impl.hpp gives bins k and n - k from
    // the same two points (k and n - k, their roles swapped for bin n - k)
    const size_t quarter = static_cast<size_t>(half.n_bins) - 1;  // N / 4
    for (size_t k = 1; k <= quarter; ++k) {
        const float c = split[2 * k], s = split[2 * k + 1];
        const float c2 = split[2 * (n - k)], s2 = split[2 * (n - k) + 1];
        const float gar = G[2 * k], gai = G[2 * k + 1];
        const float gbr = G[2 * (n - k)], gbi = G[2 * (n - k) + 1];
        const float* GX_RESTRICT ar = z + k * kRow;
        const float* GX_RESTRICT br = z + (n - k) * kRow;
        float* GX_RESTRICT yr = X + 2 * k * W;
        float* GX_RESTRICT yi = yr + W;
        GX_SIMD for (int l = 0; l < W; ++l) {
            // bin k
            const float er = 0.5f * (ar[l] + br[l]), ei = 0.5f * (ar[W + l] - br[W + l]);
            const float orr = 0.5f * (ar[l] - br[l]), oi = 0.5f * (ar[W + l] + br[W + l]);
            const float xr = er + (oi * c + orr * s), xi = ei + (oi * s - orr * c);
            // bin n - k (points swapped)
            const float fr = er, fi = -ei;
            const float pr = -orr, pi = oi;
            const float vr = fr + (pi * c2 + pr * s2), vi = fi + (pi * s2 - pr * c2);
            // G[k] X[k] + conj(G[n - k] X[n - k])
            yr[l] = (xr * gar - xi * gai) + (vr * gbr - vi * gbi);
            yi[l] = (xr * gai + xi * gar) - (vr * gbi + vi * gbr);
        }
    }
    const float* x = irfft_lanes_t<float>(half, X, fw);
    from_lanes(x + static_cast<size_t>(skip) * W, count, n_valid, out, out_stride);
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
