// librosa.decompose.hpss: the harmonic median filter runs along time with W neighbouring
// frequency bins in the lanes (contiguous in the frame-major layout); the percussive one along
// frequency with W frames in the lanes (a block of frames transposed into lanes), followed by
// the soft masks and the outputs of those frames. Both filters use scipy.ndimage's 'reflect'
// boundary (numpy's 'symmetric') and window [i - k // 2, i - k // 2 + k), rank k // 2, as
// scipy.ndimage.median_filter(S, size=..., mode='reflect') does.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "parallel.hpp"
#include "recipes.hpp"

namespace genrefx {

namespace {

// scipy.ndimage 'reflect' (d c b a | a b c d | d c b a) index of position p in [0, n).
inline int64_t reflect_index(int64_t p, int64_t n) {
    if (p >= 0 && p < n) return p;
    const int64_t period = 2 * n;
    int64_t j = p % period;
    if (j < 0) j += period;
    return j < n ? j : period - 1 - j;
}

struct Scratch {
    std::vector<const float*> rows;
    std::vector<float> work, lanes, medians, block;
};

}  // namespace

void hpss(const KernelTable& K, const float* D, const float* S, int64_t B, int64_t T, int64_t F,
          const HpssParams& p, float* out_h, float* out_p, int n_threads) {
    if (p.kernel_harm < 1 || p.kernel_perc < 1) throw std::invalid_argument("hpss: kernel sizes must be positive");
    if ((D == nullptr) == (S == nullptr)) throw std::invalid_argument("hpss: give exactly one of D and S");
    if (T < 1 || F < 1) return;
    const int W = K.lanes;
    const int kh = p.kernel_harm, kp = p.kernel_perc;
    const size_t plane = static_cast<size_t>(T) * F;
    // |D| and the harmonic medians, kept per calling thread and reused (fresh pages cost a
    // fault each); unusually large ones are given back at the end
    // (references: the worker threads must see this thread's buffers, not their own)
    thread_local std::vector<float> tl_mag, tl_harm;
    std::vector<float>& mag_store = tl_mag;
    std::vector<float>& harm = tl_harm;
    if (D != nullptr && mag_store.size() < plane) mag_store.resize(plane);
    if (harm.size() < plane) harm.resize(plane);
    const int workers = worker_count(n_threads, std::max<int64_t>((F + W - 1) / W, (T + W - 1) / W));
    std::vector<Scratch> scratch(workers);
    // the percussive medians of W frames are written as W rows at once: a row stride near a
    // multiple of 4 KiB would put the W stores in the same cache sets
    const size_t block_stride = static_cast<size_t>(F) + 16 + ((F % 16) == 0 ? 0 : 16 - F % 16);
    for (Scratch& s : scratch) {
        s.rows.resize(static_cast<size_t>(std::max<int64_t>(T + kh, F + kp)));
        s.work.resize(static_cast<size_t>(std::max(kh, kp)) * W);
        s.lanes.resize(static_cast<size_t>(std::max<int64_t>(F, T)) * W);
        s.medians.resize(static_cast<size_t>(std::max<int64_t>(F, T)) * W);
        s.block.resize(static_cast<size_t>(W) * block_stride);
    }
    const size_t out_scale = (D != nullptr && !p.masks) ? 2 : 1;  // floats per output element
    const bool split_zeros = p.margin_harm == 1.0f && p.margin_perc == 1.0f;

    for (int64_t b = 0; b < B; ++b) {
        const float* mag = S != nullptr ? S + b * plane : mag_store.data();
        const float* Db = D != nullptr ? D + 2 * b * plane : nullptr;
        if (D != nullptr) {
            const int64_t n_chunks = (T + 63) / 64;
            parallel_items(n_chunks, n_threads, [&](int64_t c, int) {
                const int64_t t0 = c * 64, t1 = std::min(T, t0 + 64);
                K.complex_abs(Db + 2 * t0 * F, static_cast<size_t>((t1 - t0) * F), mag_store.data() + t0 * F);
            });
        }
        // harmonic: along time, lanes = W bins (the last block overlaps the previous one)
        const int64_t n_fblocks = F >= W ? (F + W - 1) / W : 1;
        parallel_items(n_fblocks, n_threads, [&](int64_t blk, int worker) {
            Scratch& s = scratch[worker];
            const int64_t n_rows = T + kh - 1;
            if (F >= W) {
                const int64_t f0 = std::min(blk * W, F - W);
                for (int64_t i = 0; i < n_rows; ++i) s.rows[i] = mag + reflect_index(i - kh / 2, T) * F + f0;
                if (f0 == blk * W) {
                    K.median_lanes(s.rows.data(), T, kh, kh / 2, s.work.data(), harm.data() + f0,
                                   static_cast<size_t>(F));
                    return;
                }
                // the last block overlaps the previous one: keep only its new bins
                K.median_lanes(s.rows.data(), T, kh, kh / 2, s.work.data(), s.medians.data(),
                               static_cast<size_t>(W));
                const int64_t skip = blk * W - f0;
                for (int64_t t = 0; t < T; ++t) {
                    std::memcpy(harm.data() + t * F + blk * W, s.medians.data() + t * W + skip,
                                sizeof(float) * (W - skip));
                }
                return;
            }
            // fewer bins than lanes: a zero-padded copy
            std::fill(s.lanes.begin(), s.lanes.begin() + T * W, 0.0f);
            for (int64_t t = 0; t < T; ++t) std::memcpy(s.lanes.data() + t * W, mag + t * F, sizeof(float) * F);
            for (int64_t i = 0; i < n_rows; ++i) s.rows[i] = s.lanes.data() + reflect_index(i - kh / 2, T) * W;
            K.median_lanes(s.rows.data(), T, kh, kh / 2, s.work.data(), s.medians.data(), static_cast<size_t>(W));
            for (int64_t t = 0; t < T; ++t) std::memcpy(harm.data() + t * F, s.medians.data() + t * W, sizeof(float) * F);
        });
        // percussive: along frequency, lanes = W frames; then the masks and outputs
        const int64_t n_tblocks = (T + W - 1) / W;
        float* oh = out_h != nullptr ? out_h + out_scale * b * plane : nullptr;
        float* op = out_p != nullptr ? out_p + out_scale * b * plane : nullptr;
        parallel_items(n_tblocks, n_threads, [&](int64_t blk, int worker) {
            Scratch& s = scratch[worker];
            const int64_t t0 = blk * W;
            const int n_valid = static_cast<int>(std::min<int64_t>(W, T - t0));
            const float* frames[64];
            for (int l = 0; l < W; ++l) frames[l] = mag + (t0 + std::min(l, n_valid - 1)) * F;
            K.to_lanes(frames, static_cast<int>(F), s.lanes.data());
            const int64_t n_rows = F + kp - 1;
            for (int64_t i = 0; i < n_rows; ++i) s.rows[i] = s.lanes.data() + reflect_index(i - kp / 2, F) * W;
            K.median_lanes(s.rows.data(), F, kp, kp / 2, s.work.data(), s.medians.data(), static_cast<size_t>(W));
            K.from_lanes(s.medians.data(), static_cast<int>(F), n_valid, s.block.data(), block_stride);
            for (int l = 0; l < n_valid; ++l) {
                const size_t at = static_cast<size_t>(t0 + l) * F;
                K.hpss_combine(Db != nullptr ? Db + 2 * at : nullptr, mag + at, harm.data() + at,
                               s.block.data() + l * block_stride, static_cast<size_t>(F), p.power,
                               p.margin_harm, p.margin_perc, split_zeros, p.masks,
                               oh != nullptr ? oh + out_scale * at : nullptr,
                               op != nullptr ? op + out_scale * at : nullptr);
            }
        });
    }
    constexpr size_t kKeep = size_t{16} << 20;  // floats (64 MB)
    if (mag_store.capacity() > kKeep) std::vector<float>().swap(mag_store);
    if (harm.capacity() > kKeep) std::vector<float>().swap(harm);
}

}  // namespace genrefx
