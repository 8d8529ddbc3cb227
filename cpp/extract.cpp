#include "extract.hpp"
#include "parallel.hpp"
#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace genrefx {

int64_t count_frames(const Framing& framing, int64_t n) {
    const int64_t padded = framing.center ? n + 2 * (framing.n_fft / 2) : n;
    if (padded < framing.n_fft) return -1;
    return 1 + (padded - framing.n_fft) / framing.hop;
}

namespace {

constexpr int64_t kBlocksPerItem = 8;
// The most SIMD lanes of any level (AVX-512's 16 floats): the size of per-lane arrays below.
constexpr int kMaxLanes = 16;
constexpr float kTinyF32 = 1.17549435082228750797e-38f;


// numpy.pad's value at index i (may be outside [0, n)) of a signal of n > 0 samples padded by
// `width` samples on each side (linear_ramp ramps from 0 at the far end to the edge sample).
template <typename Sample>
inline Sample padded_sample(const Sample* y, int64_t n, int64_t i, PadMode mode, int64_t width) {
    if (i >= 0 && i < n) return y[i];
    switch (mode) {
        case PadMode::LinearRamp: {
            // np.linspace(0, edge, width, endpoint=False), reversed on the right
            if (width <= 0) return Sample(0);
            const int64_t j = i < 0 ? i + width : width - 1 - (i - n);
            const double edge = static_cast<double>(i < 0 ? y[0] : y[n - 1]);
            return j <= 0 ? Sample(0) : static_cast<Sample>(edge * (static_cast<double>(j) / width));
        }
        case PadMode::Constant: return Sample(0);
        case PadMode::Edge: return y[i < 0 ? 0 : n - 1];
        case PadMode::Reflect: {
            if (n == 1) return y[0];
            const int64_t period = 2 * (n - 1);
            int64_t j = i % period;
            if (j < 0) j += period;
            return y[j < n ? j : period - j];
        }
        case PadMode::Symmetric: {
            const int64_t period = 2 * n;
            int64_t j = i % period;
            if (j < 0) j += period;
            return y[j < n ? j : period - 1 - j];
        }
        case PadMode::Wrap: {
            int64_t j = i % n;
            if (j < 0) j += n;
            return y[j];
        }
    }
    return Sample(0);
}

// Points frames[l] at frame t[l] of signal y, copying edge frames (with padding) to scratch.
template <typename Sample>
void frame_pointers_at(const Framing& fr, const Sample* y, int64_t n, const int64_t* t, int n_valid,
                       const Sample** frames, Sample* scratch) {
    const int64_t offset = fr.center ? fr.n_fft / 2 : 0;
    for (int l = 0; l < n_valid; ++l) {
        const int64_t start = t[l] * fr.hop - offset;
        if (start >= 0 && start + fr.n_fft <= n) {
            frames[l] = y + start;
            continue;
        }
        Sample* dst = scratch + static_cast<size_t>(l) * fr.n_fft;
        const int64_t width = fr.center ? fr.n_fft / 2 : 0;
        for (int i = 0; i < fr.n_fft; ++i) dst[i] = padded_sample(y, n, start + i, fr.pad, width);
        frames[l] = dst;
    }
}

// Points frames[l] at frame t0 + l of signal y (as frame_pointers_at).
template <typename Sample>
void frame_pointers(const Framing& fr, const Sample* y, int64_t n, int64_t t0, int n_valid,
                    const Sample** frames, Sample* scratch) {
    int64_t t[kMaxLanes];
    for (int l = 0; l < n_valid; ++l) t[l] = t0 + l;
    frame_pointers_at(fr, y, n, t, n_valid, frames, scratch);
}

// The complex STFT alone (complex64, or complex128 for float64 audio), over a whole item of
// W * kBlocksPerItem frames, takes its frames in pairs spread over the item: block q's lane l
// is frame 16 (l / 2) + 2 q + l % 2 of the item. Its frame-major output puts consecutive frames
// n_bins elements apart, which for n_fft 2048 (8200 bytes in complex64) is 8 bytes off a
// multiple of 4 KB: a block of 16 consecutive frames stored into only 2-3 of the 64 sets of a
// 32 KB L1 cache, whose lines evicted each other half written. Spread 16 frames (131200 bytes,
// 2 lines off a multiple of 4 KB) apart, the 8 pairs store into ~16 sets: 1.91-2.00 against
// 2.34-2.36 ms per 30-s clip in a C++ harness on the Zen 4 host (groups of 4 or 8 frames, or
// single frames 8 apart, gained less; bench/HISTORY.md).
// (W is 8 or 16 at every level: even, so the pairs fill the lanes)
constexpr int64_t kPairSpacing = 16;
static_assert(kBlocksPerItem * 2 == kPairSpacing, "the pairs of W / 2 groups fill an item");
inline int64_t spread_frame(int64_t q, int l) { return kPairSpacing * (l / 2) + 2 * q + (l % 2); }

// For spectral_rolloff: entry k is librosa's nanmin over the frequencies of bins k and up (the
// smallest that is not NaN; NaN when all are), in one backward pass.
std::vector<double> rolloff_frequency_minima(const std::vector<double>& freq) {
    std::vector<double> out(freq.size());
    double smallest = std::numeric_limits<double>::quiet_NaN();
    for (size_t k = freq.size(); k-- > 0;) {
        const double f = freq[k];
        if (!std::isnan(f) && (std::isnan(smallest) || f <= smallest)) smallest = f;
        out[k] = smallest;
    }
    return out;
}

// Columns [t0, t0 + n_valid) of a [rows][T] array as a block with row stride rs: in place when
// the block is whole, else copied (zero-filled) to scratch.
const float* block_view(const float* base, int64_t T, int64_t rows, int64_t t0, int n_valid, int W,
                        float* scratch, size_t& rs) {
    if (n_valid == W) {
        rs = static_cast<size_t>(T);
        return base + t0;
    }
    for (int64_t k = 0; k < rows; ++k) {
        float* dst = scratch + static_cast<size_t>(k) * W;
        const float* src = base + k * T + t0;
        for (int l = 0; l < W; ++l) dst[l] = l < n_valid ? src[l] : 0.0f;
    }
    rs = static_cast<size_t>(W);
    return scratch;
}

// A buffer of n elements left uninitialized (every element is written before it is read),
// reusing its memory across calls: fresh pages cost a page fault each, which dominated batch
// calls and serialized concurrent ones on the kernel's memory-map lock.
template <class T>
class Scratch {
public:
    void allocate(size_t n) {
        if (n > capacity_) {
            data_.reset(new T[n]);
            capacity_ = n;
        }
        size_ = n;
    }
    void release() {
        data_.reset();
        size_ = capacity_ = 0;
    }
    size_t capacity() const { return capacity_; }
    T* data() { return data_.get(); }
    T& operator[](size_t i) { return data_[i]; }
    const T* data() const { return data_.get(); }
    size_t size() const { return size_; }

private:
    std::unique_ptr<T[]> data_;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

// (the full-block sizes as constants, which the compiler inlines: a memcpy call per row of
// W floats was ~1.5 % of extract, ~14k calls per 30-s clip)
template <class T>
inline void scatter_row(const T* block, T* dst, int n_valid) {
    switch (n_valid) {
        case 16: std::memcpy(dst, block, sizeof(T) * 16); return;
        case 8: std::memcpy(dst, block, sizeof(T) * 8); return;
        case 4: std::memcpy(dst, block, sizeof(T) * 4); return;
        default: std::memcpy(dst, block, sizeof(T) * n_valid);
    }
}

// A running maximum kept per lane (independent maxima instead of one chain through every value),
// reduced over the lanes at the end.
struct LaneMax {
    float v[kMaxLanes];
    void reset() { std::fill(v, v + kMaxLanes, -std::numeric_limits<float>::infinity()); }
    void add(const float* row, int n_valid) {
        if (n_valid % 4 == 0) {  // (as 4-float vectors, std::max's order: the loop below was
                                 // a compare and branch per value, ~1.5 % of extract)
            typedef float F4 __attribute__((vector_size(16)));
            for (int l = 0; l < n_valid; l += 4) {
                F4 a, b;
                std::memcpy(&a, v + l, sizeof(a));
                std::memcpy(&b, row + l, sizeof(b));
                a = a < b ? b : a;
                std::memcpy(v + l, &a, sizeof(a));
            }
            return;
        }
        for (int l = 0; l < n_valid; ++l) v[l] = std::max(v[l], row[l]);
    }
    float value() const { return *std::max_element(v, v + kMaxLanes); }
};

// Per-worker scratch of one extraction, on cache lines of its own: workers write their running
// maxima at its end, and a neighbour sharing that line would bounce it between the cores.
struct alignas(64) Workspace {
    std::vector<float> mag, pow, fft_work, frame_scratch, view_scratch, mel, chroma,
        db, mfcc, contrast_work, peak, valley, flat, rms_f;
    std::vector<double> cen, bw, roll, energy, user_centroid, fft_work64, frame_scratch64;
    std::vector<const float*> frames;
    std::vector<const double*> frames64;  // float64 audio's frames, for the float64 FFT
    // the current work item's running maxima for top_db (mfcc's mel, contrast's peaks and
    // valleys), stored per item by run_engine
    LaneMax mel_max, peak_max, valley_max;

    size_t bytes() const {  // what the buffers hold (their capacity)
        size_t total = 0;
        for (const auto* v : {&mag, &pow, &fft_work, &frame_scratch, &view_scratch, &mel, &chroma, &db,
                              &mfcc, &contrast_work, &peak, &valley, &flat, &rms_f}) {
            total += v->capacity() * sizeof(float);
        }
        for (const auto* v : {&cen, &bw, &roll, &energy, &user_centroid, &fft_work64, &frame_scratch64}) {
            total += v->capacity() * sizeof(double);
        }
        return total + (frames.capacity() + frames64.capacity()) * sizeof(void*);
    }
};

// piptrack's peaks (pitch, magnitude, the pitch's tuning-histogram bin) per work item, for one
// estimate_tuning over the array. The bins are computed in the parallel first pass: a log2 per
// peak, which done between the passes was most of that serial step.
struct TuningPeaks {
    std::vector<Scratch<float>> pitch, mag;
    std::vector<Scratch<int32_t>> bin;
    std::vector<size_t> count;

    void reset(size_t n_items) {
        pitch.resize(n_items);
        mag.resize(n_items);
        bin.resize(n_items);
        count.assign(n_items, 0);
    }
    size_t capacity() const {  // elements of 4 bytes, pitch, mag and bin together
        size_t total = 0;
        for (const Scratch<float>& c : pitch) total += 3 * c.capacity();
        return total;
    }
};

// Everything an extraction allocates, kept per calling thread and reused by its next call.
struct Buffers {
    Scratch<float> peaks, valleys, power_blocks, mel_db_blocks;
    std::vector<float> tuning_mags;  // estimate_tuning's magnitudes for the median
    TuningPeaks chroma_peaks;     // chroma_stft's tuning: piptrack on the power spectrogram
    TuningPeaks magnitude_peaks;  // estimate_tuning(y=...): piptrack on the magnitudes
    std::vector<Workspace> ws;

    // Give back unusually large buffers (a huge batch) instead of keeping them for the thread.
    void trim() {
        constexpr size_t kKeep = size_t{16} << 20;  // floats (64 MB)
        for (Scratch<float>* b : {&peaks, &valleys, &power_blocks, &mel_db_blocks}) {
            if (b->capacity() > kKeep) b->release();
        }
        for (TuningPeaks* t : {&chroma_peaks, &magnitude_peaks}) {
            if (t->capacity() > kKeep) *t = TuningPeaks{};
        }
        if (tuning_mags.capacity() > kKeep) std::vector<float>().swap(tuning_mags);
        // the workers' scratch grows with n_fft (n_fft x lanes per buffer: ~300 MB for one
        // frame of n_fft 2**20 on 16 lanes), and a thread pool would keep it per thread
        size_t ws_bytes = 0;
        for (const Workspace& s : ws) ws_bytes += s.bytes();
        if (ws_bytes > kKeep * sizeof(float)) std::vector<Workspace>().swap(ws);
    }
};

Buffers& thread_buffers() {
    thread_local Buffers buffers;
    return buffers;
}

// One extraction over B signals or spectrograms.
class Engine {
public:
    Engine(const KernelTable& k, const Request& req, Outputs& out, int64_t B, int64_t F,
           int64_t T)
        : K(k), req(req), out(out), B(B), F(F), T(T), W(k.lanes) {
        if (W > kMaxLanes) throw std::logic_error("more SIMD lanes than kMaxLanes");
        n_mels = req.mel_bank ? req.mel_bank->n_rows() : 0;
        n_contrast = static_cast<int>(req.contrast_lo.size());
        contrast_view.n_bands = n_contrast;
        contrast_view.lo = req.contrast_lo.data();
        contrast_view.hi = req.contrast_hi.data();
        contrast_view.count = req.contrast_count.data();
        contrast_view.max_count = 1;
        for (int32_t c : req.contrast_count) contrast_view.max_count = std::max(contrast_view.max_count, static_cast<int>(c));
        // Piptrack as estimate_tuning calls it (fmin 150, fmax 4000): chroma_stft's on the
        // power spectrogram with n_fft inferred from the bins; estimate_tuning's own with the
        // n_fft librosa knows (an odd one too)
        pip = piptrack_view(2.0 * static_cast<double>(F - 1), 150.0, 4000.0, 0.1f);
        pip_mag = piptrack_view(req.tuning_n_fft > 0.0 ? req.tuning_n_fft : 2.0 * static_cast<double>(F - 1),
                                req.tuning_fmin, req.tuning_fmax, req.tuning_threshold);

        n_items_per_signal = (T + W * kBlocksPerItem - 1) / (W * kBlocksPerItem);
        if (n_items_per_signal < 1) n_items_per_signal = 1;
        n_blocks = (T + W - 1) / W;
        if (req.mfcc) mel_db_blocks.allocate(static_cast<size_t>(B * n_blocks * n_mels * W));
        if (req.contrast) {
            peaks.allocate(static_cast<size_t>(B * n_contrast * T));
            valleys.allocate(static_cast<size_t>(B * n_contrast * T));
        }
        if (req.rolloff) roll_freq_min = rolloff_frequency_minima(req.freq);
        if (req.chroma && req.estimate_tuning) chroma_peaks.reset(static_cast<size_t>(n_items()));
        if (req.tuning_estimate) magnitude_peaks.reset(static_cast<size_t>(n_items()));
    }

    bool need_mag() const {
        return req.centroid || req.bandwidth || req.contrast || req.rolloff || req.flatness ||
               req.tuning_estimate ||
               ((req.mel || req.mfcc) && req.mel_magnitude);
    }
    bool need_pow() const {
        return ((req.mel || req.mfcc) && !req.mel_magnitude) || req.chroma || req.rms_spectrum;
    }
    int64_t n_items() const { return B * n_items_per_signal; }

    Buffers& buf = thread_buffers();
    std::vector<Workspace>& ws = buf.ws;

    void allocate(int workers, int n_fft, size_t fft_work_floats, bool signal64 = false) {
        ws.resize(workers);
        const size_t w = static_cast<size_t>(W);
        for (Workspace& s : ws) {
            if (fft_work_floats) {
                if (req.fft64) {
                    s.fft_work64.resize(fft_work_floats);
                } else {
                    s.fft_work.resize(fft_work_floats);
                }
            }
            if (n_fft) {
                s.frame_scratch.resize(static_cast<size_t>(n_fft) * w);
                s.frames.resize(w);
                if (signal64) {
                    s.frame_scratch64.resize(static_cast<size_t>(n_fft) * w);
                    s.frames64.resize(w);
                }
            }
            s.mag.resize(F * w);
            s.pow.resize(F * w);
            s.view_scratch.resize(F * w);  // (chroma's power rows of a partial block)
            s.mel.resize(std::max(n_mels, 1) * w);
            s.db.resize(4 * w);  // contrast's dB (mfcc's is kept in mel_db_blocks)
            s.chroma.resize(std::max(req.n_chroma, 1) * w);
            s.mfcc.resize(std::max(req.n_mfcc, 1) * w);
            s.contrast_work.resize(2 * static_cast<size_t>(contrast_view.max_count) * w);
            s.peak.resize(std::max(n_contrast, 1) * w);
            s.valley.resize(std::max(n_contrast, 1) * w);
            s.flat.resize(w);
            s.rms_f.resize(w);
            s.cen.resize(w);
            s.bw.resize(w);
            s.roll.resize(w);
            s.energy.resize(w);
            s.user_centroid.resize(w);
        }
    }

    // Per-block features from magnitude / power blocks (row stride rs).
    void consume(Workspace& s, const float* mag, const float* pw, size_t rs, int64_t b, int64_t t0,
                 int n_valid, int64_t item) {
        const int64_t col = t0;
        if (req.mel || req.mfcc) {
            K.sparse_bank(req.mel_bank->view(), req.mel_magnitude ? mag : pw, rs, s.mel.data());
            if (out.mel != nullptr) {
                float* dst = out.mel + b * n_mels * T;
                for (int m = 0; m < n_mels; ++m) scatter_row(s.mel.data() + m * W, dst + m * T + col, n_valid);
            }
            if (req.mfcc) {
                // mfcc's dB now, while the block's mel rows are in L1; the second pass only
                // applies the clip's top_db floor. (Taken there from [n_mels][T] rows, a 64-byte
                // run per row 5 kB apart, the dB was ~5 % of extract.)
                for (int m = 0; m < n_mels; ++m) s.mel_max.add(s.mel.data() + m * W, n_valid);
                K.db_rows(s.mel.data(), W, n_mels, req.db_amin, -std::numeric_limits<float>::infinity(),
                          mel_db_block(b, t0));
            }
        }
        if (req.chroma && req.estimate_tuning) {
            collect_peaks(pip, chroma_peaks, chroma_hist, pw, rs, n_valid, item);
        }
        if (req.tuning_estimate) {
            collect_peaks(pip_mag, magnitude_peaks, magnitude_hist, mag, rs, n_valid, item);
        }
        if (req.centroid || req.bandwidth) {
            const double* user = nullptr;
            if (req.bw_centroid != nullptr) {
                for (int l = 0; l < W; ++l) {
                    s.user_centroid[l] = l < n_valid ? req.bw_centroid[b * T + col + l] : 0.0;
                }
                user = s.user_centroid.data();
            }
            K.centroid_bandwidth(mag, rs, static_cast<int>(F), req.freq.data(), s.cen.data(),
                                 req.bandwidth ? s.bw.data() : nullptr, user, req.bw_p, req.bw_norm);
            if (req.centroid) scatter_row(s.cen.data(), out.centroid + b * T + col, n_valid);
            if (req.bandwidth) scatter_row(s.bw.data(), out.bandwidth + b * T + col, n_valid);
        }
        if (req.rolloff) {
            K.rolloff(mag, rs, static_cast<int>(F), roll_freq_min.data(), req.roll_percent,
                      s.roll.data());
            scatter_row(s.roll.data(), out.rolloff + b * T + col, n_valid);
        }
        if (req.flatness) {
            K.flatness(mag, rs, static_cast<int>(F), req.flat_amin, req.flat_power, req.flat_sum_mode,
                       s.flat.data());
            scatter_row(s.flat.data(), out.flatness + b * T + col, n_valid);
        }
        if (req.contrast) store_contrast(s, mag, rs, b, t0, n_valid);
        if (req.rms_spectrum) {
            // librosa: x = |S|^2 with the DC (and an even frame's Nyquist) row halved, then
            // sqrt(2 sum(x) / frame_length^2); librosa 0.5's rmse(S=...): sqrt(mean(|S|^2))
            // over the bins, no row halved
            const int frame_length = req.rms_frame_length;
            const bool even = frame_length % 2 == 0;
            K.power_sum(pw, rs, static_cast<int>(F), even, s.energy.data());
            float* dst = out.rms_spectrum + b * T + col;
            double scale = 2.0 / (static_cast<double>(frame_length) * frame_length);
            if (req.rms_mean_of_bins) {
                const float* last = pw + static_cast<size_t>(F - 1) * rs;
                for (int l = 0; l < n_valid; ++l) {
                    s.energy[l] += 0.5 * (static_cast<double>(pw[l]) + (even ? last[l] : 0.0f));
                }
                scale = 1.0 / static_cast<double>(F);
            }
            for (int l = 0; l < n_valid; ++l) dst[l] = static_cast<float>(std::sqrt(s.energy[l] * scale));
        }
    }

    void store_contrast(Workspace& s, const float* mag, size_t rs, int64_t b, int64_t col,
                        int n_valid) {
        K.contrast_peaks(contrast_view, mag, rs, s.contrast_work.data(), s.peak.data(),
                         s.valley.data());
        for (int k = 0; k < n_contrast; ++k) {
            const float* p = s.peak.data() + k * W;
            const float* v = s.valley.data() + k * W;
            scatter_row(p, peaks.data() + (b * n_contrast + k) * T + col, n_valid);
            scatter_row(v, valleys.data() + (b * n_contrast + k) * T + col, n_valid);
            s.peak_max.add(p, n_valid);
            s.valley_max.add(v, n_valid);
        }
    }

    // piptrack's peaks of one block (power or magnitude rows S) into the item's candidates,
    // with their pitches' bins in hist.
    // librosa.piptrack's feasible bins, fmin <= freq < fmax after fmin = max(fmin, 0) and
    // fmax = min(fmax, sr / 2), and its threshold
    PiptrackView piptrack_view(double n_fft, double fmin_hz, double fmax_hz, float threshold) const {
        PiptrackView v{};
        v.sr = req.sr;
        v.n_fft = n_fft;
        v.threshold = threshold;
        const double fmin = std::max(fmin_hz, 0.0);
        const double fmax = std::min(fmax_hz, req.sr / 2.0);
        const double val = 1.0 / (n_fft * (1.0 / req.sr));  // numpy.fft.rfftfreq
        v.k_lo = static_cast<int>(F);
        v.k_hi = static_cast<int>(F);
        for (int64_t k = F - 1; k >= 0; --k) {
            const double f = static_cast<double>(k) * val;
            if (f >= fmin) v.k_lo = static_cast<int>(k);
            if (f >= fmax) v.k_hi = static_cast<int>(k);
        }
        if (v.k_hi < v.k_lo) v.k_hi = v.k_lo;
        return v;
    }

    void collect_peaks(const PiptrackView& pip, TuningPeaks& peaks, const TuningHistogram& hist,
                       const float* S, size_t rs, int n_valid, int64_t item) {
        // peaks are strict local maxima: at most one bin in two of the searched range
        const size_t per_frame = static_cast<size_t>(std::max(0, pip.k_hi - pip.k_lo)) / 2 + 1;
        if (peaks.count[item] == 0) {  // (re)size for this call; reuses the memory
            // (+ W: the kernel may write a whole register of lanes past its last peak)
            const size_t capacity = per_frame * static_cast<size_t>(W * kBlocksPerItem) + W;
            peaks.pitch[item].allocate(capacity);
            peaks.mag[item].allocate(capacity);
            peaks.bin[item].allocate(capacity);
        }
        const size_t first = peaks.count[item];
        peaks.count[item] = K.piptrack(pip, S, rs, static_cast<int>(F), n_valid,
                                       peaks.pitch[item].data(), peaks.mag[item].data(), first);
        int32_t* bin = peaks.bin[item].data() + first;
        const size_t n_new = peaks.count[item] - first;
        if (hist.n_hist >= 1) {
            K.tuning_bins(hist.view(), peaks.pitch[item].data() + first, n_new, bin);
        } else {
            std::fill(bin, bin + n_new, -1);
        }
    }

    // What librosa computes over the whole array, between the two passes.
    // librosa.estimate_tuning over every work item's piptrack peaks: the median magnitude of
    // the peaks as threshold, then the histogram of the bins (computed in the first pass) of
    // the peaks that reach it. Serial: ~40k peaks for 8 clips of 30 s take ~0.1 ms, less than
    // starting threads for it.
    double estimate_tuning(const TuningPeaks& peaks, const TuningHistogram& hist, size_t first,
                           size_t last) {
        std::vector<float>& mags = tuning_mags;
        mags.clear();
        for (size_t i = first; i < last; ++i) {
            const float* p = peaks.pitch[i].data();
            const float* m = peaks.mag[i].data();
            for (size_t j = 0; j < peaks.count[i]; ++j) {
                if (p[j] > 0.0f) mags.push_back(m[j]);
            }
        }
        const float threshold = median_of(mags);
        // Without branches (half the peaks reach the median, at random): what is not counted
        // goes to a last, unused slot. Four histograms, peak j into histogram j % 4, so that
        // consecutive increments of one slot do not wait for each other's stores.
        const size_t n_slots = static_cast<size_t>(std::max(hist.n_hist, 1));
        const size_t stride = n_slots + 1;
        std::vector<long long> counts(4 * stride, 0);
        bool any = false;
        for (size_t i = first; i < last; ++i) {
            const float* p = peaks.pitch[i].data();
            const float* m = peaks.mag[i].data();
            const int32_t* bin = peaks.bin[i].data();
            for (size_t j = 0; j < peaks.count[i]; ++j) {
                const bool take = (p[j] > 0.0f) & (m[j] >= threshold);
                any |= take;
                const size_t slot = take & (bin[j] >= 0) ? static_cast<size_t>(bin[j]) : n_slots;
                counts[(j & 3) * stride + slot] += 1;
            }
        }
        for (size_t h = 1; h < 4; ++h) {
            for (size_t k = 0; k < n_slots; ++k) counts[k] += counts[h * stride + k];
        }
        return hist.estimate(counts.data(), any);
    }

    // The whole-array quantities, per group of signals: all of them (librosa's batch call), or
    // each signal on its own (Request::independent: what separate calls would give).
    int64_t n_groups() const { return req.independent ? B : 1; }
    int64_t group_of(int64_t b) const { return req.independent ? b : 0; }

    void joint() {
        const int64_t G = n_groups();
        if (G == 0) return;  // no signals (independent): no groups, nothing to join
        const int64_t per_group = n_items() / G;  // work items of a group, consecutive
        chroma_fbs.assign(static_cast<size_t>(G), nullptr);
        mfcc_floors.assign(static_cast<size_t>(G), -std::numeric_limits<float>::infinity());
        peak_maxs.assign(static_cast<size_t>(G), 0.0);
        valley_maxs.assign(static_cast<size_t>(G), 0.0);
        out.tunings.assign(static_cast<size_t>(G), req.tuning);
        out.estimated_tunings.assign(static_cast<size_t>(G), 0.0);
        for (int64_t g = 0; g < G; ++g) {
            const size_t first = static_cast<size_t>(g * per_group);
            const size_t last = first + static_cast<size_t>(per_group);
            if (req.tuning_estimate) {
                out.estimated_tunings[g] = estimate_tuning(magnitude_peaks, magnitude_hist, first, last);
            }
            if (req.chroma) {
                double tuning = req.tuning;
                if (req.estimate_tuning) tuning = estimate_tuning(chroma_peaks, chroma_hist, first, last);
                out.tunings[g] = tuning;
                chroma_fbs[g] = cached_chroma_filterbank_t(req.sr, req.chroma_n_fft, req.n_chroma, tuning,
                                                         req.ctroct, req.octwidth, req.base_c);
                if (static_cast<int64_t>(chroma_fbs[g]->size()) != req.n_chroma * F) {
                    throw std::invalid_argument("chroma filterbank does not match the spectrogram's bins");
                }
            }
            if (req.mfcc && req.top_db >= 0) {
                float mx = -std::numeric_limits<float>::infinity();
                for (size_t i = first; i < last; ++i) mx = std::max(mx, item_max[i].mel);
                // The dB of the maximum through the same kernel as every other value.
                std::vector<float> one(W, mx), db(W);
                K.db_rows(one.data(), W, 1, req.db_amin, -std::numeric_limits<float>::infinity(), db.data());
                mfcc_floors[g] = db[0] - static_cast<float>(req.top_db);
            }
            if (req.contrast && !req.contrast_linear) {
                // max over all signals of the group, as librosa; the dB scale is monotonic
                float pmax = -std::numeric_limits<float>::infinity(), vmax = pmax;
                for (size_t i = first; i < last; ++i) {
                    pmax = std::max(pmax, item_max[i].peak);
                    vmax = std::max(vmax, item_max[i].valley);
                }
                peak_maxs[g] = db64(pmax);
                valley_maxs[g] = db64(vmax);
            }
        }
    }

    static double db64(float v) { return 10.0 * std::log10(std::max(1e-10, static_cast<double>(v))); }

    // Second pass: chroma (needs the tuning), mfcc (needs the clip's max), contrast in dB.
    void finish(Workspace& s, int64_t b, int64_t t0, int n_valid) {
        const int64_t col = t0;
        if (req.chroma) {
            size_t rs = W;
            const float* S = power_rows != nullptr
                                 ? block_view(power_rows + b * F * T, T, F, t0, n_valid, W,
                                              s.view_scratch.data(), rs)
                                 : power_block(b, t0);
            const int nc = req.n_chroma;
            K.dense_bank(chroma_fbs[group_of(b)]->data(), nc, static_cast<int>(F), S, rs, s.chroma.data());
            // librosa.util.normalize over the chroma of each lane, in float64; the loops run
            // over the lanes innermost (each lane's sum still goes through c in order)
            // chroma_norm: 0 none, inf max, -inf min, -1 the count of non-zero values (norm=0),
            // else the p-norm
            const double norm = req.chroma_norm;
            const bool none = norm == 0.0, count = norm == -1.0;
            const bool max_norm = std::isinf(norm) && norm > 0, min_norm = std::isinf(norm) && norm < 0;
            double length[kMaxLanes];
            std::fill(length, length + W, none ? 1.0 : (min_norm ? HUGE_VAL : 0.0));
            for (int c = 0; c < nc && !none; ++c) {
                const float* x = s.chroma.data() + c * W;
                if (max_norm) {
                    for (int l = 0; l < W; ++l) length[l] = std::max(length[l], std::fabs(static_cast<double>(x[l])));
                } else if (min_norm) {
                    for (int l = 0; l < W; ++l) length[l] = std::min(length[l], std::fabs(static_cast<double>(x[l])));
                } else if (count) {
                    for (int l = 0; l < W; ++l) length[l] += x[l] != 0.0f ? 1.0 : 0.0;
                } else if (norm == 2.0) {  // numpy's fast paths for mag ** 2.0 and ** 0.5
                    for (int l = 0; l < W; ++l) length[l] += static_cast<double>(x[l]) * static_cast<double>(x[l]);
                } else if (norm == 1.0) {
                    for (int l = 0; l < W; ++l) length[l] += std::fabs(static_cast<double>(x[l]));
                } else {
                    for (int l = 0; l < W; ++l) length[l] += std::pow(std::fabs(static_cast<double>(x[l])), norm);
                }
            }
            for (int l = 0; l < W; ++l) {
                if (norm == 2.0) {
                    length[l] = std::sqrt(length[l]);
                } else if (!none && !count && norm != 1.0 && !max_norm && !min_norm) {
                    length[l] = std::pow(length[l], 1.0 / norm);
                }
                if (length[l] < kTinyF32) length[l] = 1.0;
            }
            float* dst = out.chroma + b * nc * T + col;
            for (int c = 0; c < nc; ++c) {
                const float* x = s.chroma.data() + c * W;
                for (int l = 0; l < n_valid; ++l) {
                    dst[c * T + l] = static_cast<float>(static_cast<double>(x[l]) / length[l]);
                }
            }
        }
        if (req.mfcc) {
            // db_rows's floor, on the dB the first pass kept (the same values bit for bit)
            float* db = mel_db_block(b, t0);
            const float floor = mfcc_floors[group_of(b)];
            for (size_t i = 0; i < static_cast<size_t>(n_mels) * W; ++i) db[i] = db[i] > floor ? db[i] : floor;
            K.dense_bank(req.dct.data(), req.n_mfcc, n_mels, db, W, s.mfcc.data());
            for (int m = 0; m < req.n_mfcc; ++m) {
                scatter_row(s.mfcc.data() + m * W, out.mfcc + (b * req.n_mfcc + m) * T + col, n_valid);
            }
        }
        if (req.contrast) {
            const double peak_max = peak_maxs.empty() ? 0.0 : peak_maxs[group_of(b)];
            const double valley_max = valley_maxs.empty() ? 0.0 : valley_maxs[group_of(b)];
            // the dB through the vector kernel (float32 logs, ~1e-7 relative: librosa's are
            // float64, but 18k scalar log10 calls per 30-s clip were ~2.5 % of extract)
            float* pw = s.db.data();
            float* vw = pw + W;
            float* pdb = vw + W;
            float* vdb = pdb + W;
            for (int k = 0; k < n_contrast; ++k) {
                const float* p = peaks.data() + (b * n_contrast + k) * T + col;
                const float* v = valleys.data() + (b * n_contrast + k) * T + col;
                double* dst = out.contrast + (b * n_contrast + k) * T + col;
                if (req.contrast_linear) {
                    for (int l = 0; l < n_valid; ++l) {
                        dst[l] = static_cast<double>(p[l]) - static_cast<double>(v[l]);
                    }
                    continue;
                }
                std::fill(pw, pw + 2 * W, 1.0f);
                std::copy(p, p + n_valid, pw);
                std::copy(v, v + n_valid, vw);
                K.db_rows(pw, W, 2, 1e-10f, -std::numeric_limits<float>::infinity(), pdb);
                for (int l = 0; l < n_valid; ++l) {
                    const double dp = pdb[l], dv = vdb[l];
                    if (req.top_db >= 0) {
                        dst[l] = std::max(dp, peak_max - 80.0) - std::max(dv, valley_max - 80.0);
                    } else {
                        dst[l] = dp - dv;
                    }
                }
            }
        }
    }

    void item_range(int64_t item, int64_t& b, int64_t& t_begin, int64_t& t_end) const {
        b = item / n_items_per_signal;
        const int64_t chunk = item % n_items_per_signal;
        t_begin = chunk * W * kBlocksPerItem;
        t_end = std::min(T, t_begin + W * kBlocksPerItem);
    }

    const KernelTable& K;
    const Request& req;
    Outputs& out;
    int64_t B, F, T;
    int W;
    int n_mels = 0, n_contrast = 0;
    int64_t n_items_per_signal = 1;
    ContrastView contrast_view{};
    PiptrackView pip{}, pip_mag{};
    // estimate_tuning's deviation histograms: chroma_stft's (resolution 0.01, n_chroma bins per
    // octave) and the one the request asks of estimate_tuning(y=...)
    TuningHistogram chroma_hist{0.01, std::max(1, req.n_chroma)};
    TuningHistogram magnitude_hist{req.tuning_estimate ? req.tuning_resolution : 0.01,
                                   req.tuning_bins_per_octave};
    std::vector<float>& tuning_mags = buf.tuning_mags;
    // mfcc's dB of the mel rows, block by block ([signal][block][n_mels][W]), unfloored
    Scratch<float>& mel_db_blocks = buf.mel_db_blocks;
    float* mel_db_block(int64_t b, int64_t t0) {
        return mel_db_blocks.data() + ((b * n_blocks + t0 / W) * n_mels) * W;
    }
    Scratch<float>& peaks = buf.peaks;
    Scratch<float>& valleys = buf.valleys;
    // per group (see joint): chroma's filterbank for its tuning, mfcc's dB floor, contrast's
    // peak and valley maxima in dB
    std::vector<std::shared_ptr<const std::vector<float>>> chroma_fbs;
    std::vector<float> mfcc_floors;
    std::vector<double> peak_maxs, valley_maxs;
    // each work item's maxima of mfcc's mel and contrast's peaks / valleys (first pass)
    struct ItemMax {
        float mel, peak, valley;
    };
    std::vector<ItemMax> item_max;
    std::vector<double> roll_freq_min;  // rolloff_frequency_minima(req.freq)
    int64_t n_blocks = 0;
    // chroma's power spectrogram between the passes: the signal path keeps whole blocks
    // ([b][block][F][W], contiguous), the spectrogram path points at the user's S ([b][F][T]).
    Scratch<float>& power_blocks = buf.power_blocks;
    const float* power_rows = nullptr;
    float* power_block(int64_t b, int64_t t0) {
        return power_blocks.data() + ((b * n_blocks + t0 / W) * F) * W;
    }
    // piptrack peaks per work item (pitch, magnitude, histogram bin), for the tuning estimate
    TuningPeaks& chroma_peaks = buf.chroma_peaks;
    TuningPeaks& magnitude_peaks = buf.magnitude_peaks;
};

// Calls the first pass on each item, the joint step, then the second pass.
template <class Pass1>
void run_engine(Engine& e, int n_threads, Pass1&& pass1) {
    // each item's maxima for the joint step, kept per item so that a group of signals (the
    // whole array, or one signal) can take its own
    e.item_max.assign(static_cast<size_t>(e.n_items()), Engine::ItemMax{});
    struct P1 {
        Engine& e;
        Pass1& fn;
        void operator()(int64_t item, int worker) {
            Workspace& s = e.ws[worker];
            s.mel_max.reset();
            s.peak_max.reset();
            s.valley_max.reset();
            fn(item, worker);
            e.item_max[item] = {s.mel_max.value(), s.peak_max.value(), s.valley_max.value()};
        }
    } p1{e, pass1};
    parallel_items(e.n_items(), n_threads, p1);
    if (!(e.req.chroma || e.req.mfcc || e.req.contrast || e.req.tuning_estimate)) return;
    e.joint();
    if (!(e.req.chroma || e.req.mfcc || e.req.contrast)) return;
    struct P2 {
        Engine& e;
        void operator()(int64_t item, int worker) {
            int64_t b, tb, te;
            e.item_range(item, b, tb, te);
            for (int64_t t0 = tb; t0 < te; t0 += e.W) {
                e.finish(e.ws[worker], b, t0, static_cast<int>(std::min<int64_t>(e.W, te - t0)));
            }
        }
    } p2{e};
    parallel_items(e.n_items(), n_threads, p2);
}


}  // namespace

void run_from_signal(const KernelTable& K, const RfftPlan& fft, const float* window,
                     const double* window64, const Framing& framing, const float* y,
                     const double* y64, int64_t B, int64_t n, const Request& req, Outputs& out,
                     int n_threads) {
    const int64_t T = count_frames(framing, n);
    if (T < 0) throw std::invalid_argument("signal too short for n_fft with center=False");
    const int64_t F = fft.n_bins();
    Engine e(K, req, out, B, F, T);
    const bool spectral = req.stft || req.stft64 || e.need_mag() || e.need_pow();
    const int workers = worker_count(n_threads, e.n_items());
    // float64 audio goes into the float64 FFT as it is (librosa frames it unrounded)
    const bool frames64 = y64 != nullptr && req.fft64;
    e.allocate(workers, framing.n_fft, spectral ? fft.work_floats(K.lanes) : 0, frames64);
    if (req.chroma) e.power_blocks.allocate(static_cast<size_t>(B * e.n_blocks * F * K.lanes));
    const int W = K.lanes;
    const bool mag = e.need_mag(), pw = e.need_pow();
    const bool stft_only = (req.stft != req.stft64) && !req.rms && !mag && !pw;
    auto pass1 = [&](int64_t item, int worker) {
        Workspace& s = e.ws[worker];
        int64_t b, tb, te;
        e.item_range(item, b, tb, te);
        const float* yb = y + b * n;
        // the complex STFT alone, on a whole item: its frames spread (spread_frame)
        const bool spread = stft_only && te - tb == W * kBlocksPerItem;
        int64_t t[kMaxLanes];
        size_t lane_offsets[kMaxLanes];
        for (int64_t t0 = tb, q = 0; t0 < te; t0 += W, ++q) {
            const int n_valid = static_cast<int>(std::min<int64_t>(W, te - t0));
            for (int l = 0; l < n_valid; ++l) {
                t[l] = spread ? tb + spread_frame(q, l) : t0 + l;
                lane_offsets[l] = static_cast<size_t>((t[l] - tb) * F);
            }
            frame_pointers_at(framing, yb, n, t, n_valid, s.frames.data(), s.frame_scratch.data());
            if (req.rms) {
                K.frame_energy(s.frames.data(), n_valid, framing.n_fft, framing.hop, s.energy.data());
                float* dst = out.rms + b * T + t0;
                for (int l = 0; l < n_valid; ++l) {
                    // numpy: mean of squares in float32, then sqrt
                    dst[l] = std::sqrt(static_cast<float>(s.energy[l] / framing.n_fft));
                }
            }
            if (!spectral) continue;
            SpectrumOut so{};
            if (req.stft) {
                // lanes at their frames, from the item's first (frame-major, F apart)
                so.complex_out = reinterpret_cast<float*>(out.stft + (b * T + tb) * F);
                so.lane_offsets = lane_offsets;
            }
            if (req.stft64) {
                so.complex_out64 = reinterpret_cast<double*>(out.stft64 + (b * T + tb) * F);
                so.lane_offsets = lane_offsets;
            }
            so.mag = mag ? s.mag.data() : nullptr;
            // chroma's power blocks are kept for the second pass: written there directly
            so.pow = !pw ? nullptr : (req.chroma ? e.power_block(b, t0) : s.pow.data());
            if (frames64) {
                frame_pointers_at(framing, y64 + b * n, n, t, n_valid, s.frames64.data(),
                                  s.frame_scratch64.data());
                K.spectrum64d(fft.view(), window64, s.frames64.data(), n_valid, s.fft_work64.data(), so);
            } else if (req.fft64) {
                K.spectrum64(fft.view(), window64, s.frames.data(), n_valid, s.fft_work64.data(), so);
            } else {
                K.spectrum(fft.view(), window, s.frames.data(), n_valid, s.fft_work.data(), so);
            }
            if (!mag && !pw) continue;
            e.consume(s, so.mag, so.pow, W, b, t0, n_valid, item);
        }
    };
    run_engine(e, n_threads, pass1);
    e.buf.trim();
}

void run_from_spectrum(const KernelTable& K, const float* S, int64_t B, int64_t F, int64_t T,
                       const Request& req, Outputs& out, int n_threads) {
    Engine e(K, req, out, B, F, T);
    const int workers = worker_count(n_threads, e.n_items());
    e.allocate(workers, 0, 0);
    const int W = K.lanes;
    auto pass1 = [&](int64_t item, int worker) {
        Workspace& s = e.ws[worker];
        int64_t b, tb, te;
        e.item_range(item, b, tb, te);
        for (int64_t t0 = tb; t0 < te; t0 += W) {
            const int n_valid = static_cast<int>(std::min<int64_t>(W, te - t0));
            size_t rs = 0;
            const float* blk = block_view(S + b * F * T, T, F, t0, n_valid, W, s.mag.data(), rs);
            e.consume(s, blk, blk, rs, b, t0, n_valid, item);
        }
    };
    e.power_rows = S;
    run_engine(e, n_threads, pass1);
    e.buf.trim();
}

void cqt_octave_response(const KernelTable& K, const RfftPlan& fft, const double* window,
                         const Framing& framing, const float* y, int64_t B, int64_t n,
                         const ComplexSparseView& basis, const double* row_scale,
                         std::complex<float>* out, int n_threads) {
    const int64_t T = count_frames(framing, n);
    if (T < 0) throw std::invalid_argument("signal too short for n_fft with center=False");
    const int64_t F = fft.n_bins();
    const int W = K.lanes;
    const int64_t per_signal = std::max<int64_t>(1, (T + W * kBlocksPerItem - 1) / (W * kBlocksPerItem));
    const int rows = basis.n_rows;
    struct Body {
        const KernelTable& K;
        const RfftPlan& fft;
        const double* window;
        const Framing& framing;
        const float* y;
        int64_t n, T, F, per_signal;
        int W, rows;
        const ComplexSparseView& basis;
        const double* inv_scale;
        std::complex<float>* out;
        std::vector<Workspace>& ws;
        void operator()(int64_t item, int worker) {
            Workspace& s = ws[worker];
            const int64_t b = item / per_signal, chunk = item % per_signal;
            const int64_t tb = chunk * W * kBlocksPerItem;
            const int64_t te = std::min(T, tb + W * kBlocksPerItem);
            const float* yb = y + b * n;
            float* re = s.mag.data();
            float* im = s.pow.data();
            float* out_re = s.mel.data();
            float* out_im = s.db.data();
            for (int64_t t0 = tb; t0 < te; t0 += W) {
                const int n_valid = static_cast<int>(std::min<int64_t>(W, te - t0));
                frame_pointers(framing, yb, n, t0, n_valid, s.frames.data(), s.frame_scratch.data());
                SpectrumOut so{};
                so.re = re;
                so.im = im;
                // float64 FFT, as librosa's (float32 frames times its float64 window): the
                // chroma of quiet frames is normalized by their own maximum, which a float32
                // FFT's rounding (~1e-7 of the loudest bin) would show
                K.spectrum64(fft.view(), window, s.frames.data(), n_valid, s.fft_work64.data(), so);
                K.complex_sparse_bank(basis, re, im, out_re, out_im);
                for (int m = 0; m < rows; ++m) {
                    std::complex<float>* dst = out + (b * rows + m) * T + t0;
                    const float* xr = out_re + m * W;
                    const float* xi = out_im + m * W;
                    if (inv_scale != nullptr) {
                        const double g = inv_scale[m];
                        for (int l = 0; l < n_valid; ++l) {
                            dst[l] = std::complex<float>(static_cast<float>(xr[l] * g),
                                                         static_cast<float>(xi[l] * g));
                        }
                    } else {
                        for (int l = 0; l < n_valid; ++l) dst[l] = std::complex<float>(xr[l], xi[l]);
                    }
                }
            }
        }
    };
    Buffers& buf = thread_buffers();
    const int workers = worker_count(n_threads, B * per_signal);
    buf.ws.resize(workers);
    for (Workspace& s : buf.ws) {
        s.mag.resize(static_cast<size_t>(F * W));
        s.pow.resize(static_cast<size_t>(F * W));
        s.mel.resize(static_cast<size_t>(std::max(rows, 1) * W));
        s.db.resize(static_cast<size_t>(std::max(rows, 1) * W));
        s.fft_work64.resize(fft.work_floats(W));
        s.frame_scratch.resize(static_cast<size_t>(framing.n_fft) * W);
        s.frames.resize(W);
    }
    std::vector<double> inv_scale;
    if (row_scale != nullptr) {
        inv_scale.resize(rows);
        for (int m = 0; m < rows; ++m) inv_scale[m] = 1.0 / row_scale[m];
    }
    Body body{K,  fft,  window, framing, y, n, T, F, per_signal, W, rows, basis,
              inv_scale.empty() ? nullptr : inv_scale.data(), out, buf.ws};
    parallel_items(B * per_signal, n_threads, body);
    buf.trim();
}

void zero_crossing_rate(const KernelTable& K, const float* y, int64_t B, int64_t n, int frame_length, int hop,
                        bool center, float threshold, bool pad, bool zero_pos, double* out,
                        int n_threads) {
    Framing fr;
    fr.n_fft = frame_length;
    fr.hop = hop;
    fr.center = center;
    fr.pad = PadMode::Edge;
    const int64_t T = count_frames(fr, n);
    if (T < 0) throw std::invalid_argument("signal too short for frame_length with center=False");
    const int64_t offset = center ? frame_length / 2 : 0;
    const int64_t padded = center ? n + 2 * offset : n;
    struct Body {
        const KernelTable& K;
        const float* y;
        int64_t n, T, offset, padded;
        int frame_length, hop;
        float threshold;
        bool pad, zero_pos;
        double* out;
        void operator()(int64_t b, int worker) {
            // kept per OS thread: fresh pages every call would cost a fault each
            thread_local std::vector<uint8_t> change;  // (the whole-hop path: chunk starts)
            thread_local std::vector<uint32_t> counts;
            (void)worker;
            double* dst = out + b * T;
            const uint32_t first = pad ? 1 : 0;
            if (frame_length % hop == 0) {
                // Frames of whole hops: frame t's count over the padded changes d[a + 1 .. a +
                // frame_length - 1] (a = t hop) is the sum of the q chunk counts of d[a ..
                // a + frame_length - 1] less d[a] alone (chunk t's first change); the chunks
                // are counted once, from y.
                const int64_t q = frame_length / hop;
                const int64_t n_chunks = T + q - 1;
                counts.resize(static_cast<size_t>(n_chunks));
                change.resize(static_cast<size_t>(n_chunks));
                K.chunk_changes(y + b * n, n, offset, hop, n_chunks, threshold, zero_pos,
                                counts.data(), change.data());
                uint32_t window = 0;  // counts[t] .. counts[t + q - 1]
                for (int64_t c = 0; c < q - 1; ++c) window += counts[c];
                for (int64_t t = 0; t < T; ++t) {
                    window += counts[t + q - 1];
                    dst[t] = static_cast<double>(window - change[t] + first) / frame_length;
                    window -= counts[t];
                }
            } else {
                // d[i] = 1 where the sign class changes between padded samples i - 1 and i. The
                // edge padding repeats the first and last samples' classes: no changes there.
                change.resize(static_cast<size_t>(padded));
                uint8_t* d = change.data();
                std::memset(d, 0, static_cast<size_t>(offset));  // sign_changes writes the rest
                std::memset(d + offset + n, 0, static_cast<size_t>(padded - offset - n));
                K.sign_changes(y + b * n, n, threshold, zero_pos, d + offset);
                // crossings between consecutive samples inside frame t: d[a + 1 .. a + fl - 1]
                counts.resize(static_cast<size_t>(T));
                K.window_counts(d + 1, T, hop, frame_length - 1, counts.data());
                for (int64_t t = 0; t < T; ++t) {
                    dst[t] = static_cast<double>(counts[t] + first) / frame_length;
                }
            }
            // do not keep a huge signal's scratch (64 MB)
            if (change.capacity() > (size_t{64} << 20) || counts.capacity() > (size_t{16} << 20)) {
                std::vector<uint8_t>().swap(change);
                std::vector<uint32_t>().swap(counts);
            }
        }
    } body{K, y, n, T, offset, padded, frame_length, hop, threshold, pad, zero_pos, out};
    parallel_items(B, n_threads, body);
}

}  // namespace genrefx
