// Plans: everything computed once per parameter set and reused by every call (FFT stages and
// twiddles, windows, sparse mel banks, chroma filterbanks). Built in baseline code; the kernels
// see them only through the POD views of kernels/kernel_table.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernel_table.hpp"

namespace genrefx {

// A real FFT of any length n_fft >= 1: mixed radix (8, 4, 2, 3, 5 and a direct DFT for other
// primes), or Bluestein's algorithm where a large prime factor would make that slow.
class RfftPlan {
public:
    // with_dif: give large even sizes that are not powers of two the decimation-in-frequency
    // split (RfftView::dif_sub; see the constructor)
    explicit RfftPlan(int n_fft, bool with_dif = true);
    const RfftView& view() const { return view_; }
    int n_fft() const { return view_.n_fft; }
    int n_bins() const { return view_.n_bins; }
    // Elements (float or double) of kernel workspace per block of `lanes` frames.
    size_t work_floats(int lanes) const;

    // Shared plans, cached by n_fft (thread-safe).
    static std::shared_ptr<const RfftPlan> get(int n_fft);

private:
    // The stages of one complex FFT and the tables they point into.
    struct Chain {
        std::vector<FftStage> stages;
        std::vector<std::vector<float>> twiddles;
        std::vector<std::vector<double>> twiddles64;
        std::vector<std::vector<double>> roots64;
    };
    void build_chain(int n, Chain& chain);

    RfftView view_{};
    int max_radix_ = 1;
    Chain chain_;
    std::vector<float> split_;
    std::vector<double> split64_;
    std::unique_ptr<const RfftPlan> dif_sub_;
    std::vector<float> dif_tw_;
    std::vector<double> dif_tw64_;
    std::unique_ptr<const RfftPlan> blue_sub_;
    std::vector<float> blue_chirp_, blue_kernel_;
    std::vector<double> blue_chirp64_, blue_kernel64_;
};

// A filterbank (n_rows x n_bins, dense float32) kept as one contiguous run of nonzeros per row.
class SparseBank {
public:
    SparseBank(const float* dense, int n_rows, int n_bins);
    const SparseBankView& view() const { return view_; }
    int n_rows() const { return view_.n_rows; }
    int n_bins() const { return n_bins_; }

private:
    int n_bins_;
    SparseBankView view_{};
    std::vector<int32_t> start_, len_;
    std::vector<int64_t> offset_;
    std::vector<float> weights_;
};

// librosa.filters.chroma(sr=, n_fft=, n_chroma=, tuning=, ctroct=, octwidth=, norm=2, base_c=)
// as float32, shape (n_chroma, 1 + n_fft // 2). octwidth <= 0 means None.
std::vector<float> chroma_filterbank(double sr, int n_fft, int n_chroma, double tuning,
                                     double ctroct, double octwidth, bool base_c);

// The same transposed to bin-major, shape (1 + n_fft // 2, n_chroma) (KernelTable::
// dense_bank's layout), shared from a cache keyed by every argument (thread-safe). Estimated
// tunings are multiples of 0.01, so a run of clips needs a few dozen banks at most.
std::shared_ptr<const std::vector<float>> cached_chroma_filterbank_t(double sr, int n_fft,
                                                                   int n_chroma, double tuning,
                                                                   double ctroct, double octwidth,
                                                                   bool base_c);

// librosa.pitch_tuning's histogram of deviations from the (bins_per_octave) semitone grid.
struct TuningHistogram {
    TuningHistogram(double resolution, int bins_per_octave);
    TuningView view() const { return TuningView{scale, n_hist, edges.data()}; }  // n_hist >= 1
    double estimate(const long long* counts, bool any_positive) const;  // the mode's left edge
    int n_hist;
    float scale;
    std::vector<double> edges;
};


// librosa.pitch_tuning on float32 frequencies (residuals computed in float32 as numpy does).
// Returns 0.0 when there are none.
double pitch_tuning(const float* freqs, size_t n, double resolution, int bins_per_octave);

enum class PadMode { Constant, Edge, Reflect, Symmetric, Wrap, LinearRamp };
PadMode parse_pad_mode(const std::string& name);  // throws std::invalid_argument

}  // namespace genrefx
