#include "plans.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>
#include <stdexcept>

#include "dispatch.hpp"

namespace genrefx {

namespace {
constexpr double kPi = 3.14159265358979323846;

// Radices of an n-point FFT. Powers of two: radix 8 (the fewest passes over the data) with one
// radix 4 or two for the remainder rather than a radix 2, which does the least work per pass.
std::vector<int> factorize(int n) {
    int e = 0;
    while (n % 2 == 0) {
        n /= 2;
        ++e;
    }
    std::vector<int> f;
    if (e == 1) f.push_back(2);
    if (e >= 2) {
        int eights = e / 3;
        int fours = 0;
        if (e % 3 == 1) {
            eights -= 1;
            fours = 2;
        } else if (e % 3 == 2) {
            fours = 1;
        }
        for (int i = 0; i < eights; ++i) f.push_back(8);
        for (int i = 0; i < fours; ++i) f.push_back(4);
    }
    for (int p = 3; n > 1; p += 2) {
        if (static_cast<long long>(p) * p > n) {
            f.push_back(n);
            break;
        }
        while (n % p == 0) {
            f.push_back(p);
            n /= p;
        }
    }
    return f;
}
// Bluestein's convolution length for n points: the smallest 2^a 3^b 5^c >= 2n - 1 (a >= 2), which
// the mixed-radix chain does with its own radix 8 / 4 / 3 / 5 butterflies.
long long bluestein_size(int n) {
    const long long need = 2LL * n - 1;
    long long best = 4;
    while (best < need) best *= 2;
    for (long long p5 = 1; p5 < best; p5 *= 5) {
        for (long long p35 = p5; p35 < best; p35 *= 3) {
            long long m = p35 * 4;
            while (m < need) m *= 2;
            best = std::min(best, m);
        }
    }
    return best;
}

// Whether Bluestein's algorithm (two FFTs of M = bluestein_size(n) points) costs less
// than the mixed-radix chain, whose direct DFT of a prime factor p costs ~20p flops a point
// (complex multiply-adds in float64; measured).
bool bluestein_pays(int n) {
    double direct = 0.0;
    int rest = n;
    for (int p = 2; rest > 1; ++p) {
        if (static_cast<long long>(p) * p > rest) p = rest;
        while (rest % p == 0) {
            direct += p <= 8 ? 6.0 : 20.0 * p;
            rest /= p;
        }
    }
    if (n < 64) return false;
    const long long m = bluestein_size(n);
    if (m > (1LL << 29)) return false;  // (its sub-plan's n_fft = 2 M must fit an int)
    const double blue = 3.0 * 5.0 * std::log2(static_cast<double>(m)) * static_cast<double>(m) / n + 30.0;
    return blue < direct;
}

// The DFT of x in float64 (plan-time tables only): x's length is 2^a 3^b 5^c, done by one
// decimation-in-time split per prime factor, recursively.
void dft_smooth(std::vector<std::complex<double>>& x) {
    const size_t n = x.size();
    if (n <= 1) return;
    size_t p = n % 2 == 0 ? 2 : (n % 3 == 0 ? 3 : 5);
    const size_t m = n / p;
    std::vector<std::vector<std::complex<double>>> parts(p, std::vector<std::complex<double>>(m));
    for (size_t j = 0; j < m; ++j) {
        for (size_t r = 0; r < p; ++r) parts[r][j] = x[j * p + r];
    }
    for (auto& part : parts) dft_smooth(part);
    for (size_t k = 0; k < n; ++k) {
        std::complex<double> acc = 0.0;
        for (size_t r = 0; r < p; ++r) {
            const double a = -2.0 * kPi * static_cast<double>((r * k) % n) / static_cast<double>(n);
            acc += parts[r][k % m] * std::complex<double>(std::cos(a), std::sin(a));
        }
        x[k] = acc;
    }
}

}  // namespace

void RfftPlan::build_chain(int n, Chain& chain) {
    for (int radix : factorize(n)) {
        max_radix_ = std::max(max_radix_, radix);
        FftStage st{};
        st.radix = radix;
        st.ns = chain.stages.empty() ? 1 : chain.stages.back().ns * chain.stages.back().radix;
        std::vector<double> tw(static_cast<size_t>(2) * st.ns * (radix - 1));
        for (int k = 0; k < st.ns; ++k) {
            for (int r = 1; r < radix; ++r) {
                const double a = -2.0 * kPi * r * k / (static_cast<double>(st.ns) * radix);
                tw[2 * (static_cast<size_t>(k) * (radix - 1) + r - 1)] = std::cos(a);
                tw[2 * (static_cast<size_t>(k) * (radix - 1) + r - 1) + 1] = std::sin(a);
            }
        }
        std::vector<double> roots(2 * static_cast<size_t>(radix));
        for (int q = 0; q < radix; ++q) {
            const double a = -2.0 * kPi * q / radix;
            roots[2 * q] = std::cos(a);
            roots[2 * q + 1] = std::sin(a);
        }
        chain.twiddles.emplace_back(tw.begin(), tw.end());
        chain.twiddles64.push_back(std::move(tw));
        chain.roots64.push_back(std::move(roots));
        chain.stages.push_back(st);
    }
    for (size_t i = 0; i < chain.stages.size(); ++i) {
        chain.stages[i].twiddles = chain.twiddles[i].data();
        chain.stages[i].twiddles64 = chain.twiddles64[i].data();
        chain.stages[i].roots64 = chain.roots64[i].data();
    }
}

// The smallest sub-FFT worth the decimation-in-frequency split (measured in a C++ harness: 32
// makes n_fft 512 ~5 % faster than 64 and leaves 1024 / 2048 as they are; 128 makes 1024 ~5 %
// slower).
constexpr int kDifMinSub = 32;

RfftPlan::RfftPlan(int n_fft, bool with_dif) {
    if (n_fft < 1) throw std::invalid_argument("n_fft must be positive");
    const bool even = n_fft % 2 == 0;
    const int n = even ? n_fft / 2 : n_fft;
    // one chain for both precisions (each stage holds float32 and float64 twiddles): radix 8
    // is the faster float64 chain too since the butterflies work a register at a time
    build_chain(n, chain_);
    if (even) {
        split64_.resize(2 * static_cast<size_t>(n));
        for (int k = 0; k < n; ++k) {
            const double a = -2.0 * kPi * k / n_fft;
            split64_[2 * k] = std::cos(a);
            split64_[2 * k + 1] = std::sin(a);
        }
        split_.assign(split64_.begin(), split64_.end());
    }
    view_.n_fft = n_fft;
    view_.n_complex = n;
    view_.n_bins = n_fft / 2 + 1;
    view_.n_stages = static_cast<int>(chain_.stages.size());
    view_.stages = chain_.stages.data();
    view_.split = split_.empty() ? nullptr : split_.data();
    view_.split64 = split64_.empty() ? nullptr : split64_.data();
    const bool blue = bluestein_pays(n);
    // Powers of two run the plain chain: on complex rows it is as fast or faster (C++ harness,
    // float32 spectra of 1296 frames, min of 3 x 200 runs: AVX-512 n_fft 2048 1.53 -> 1.37 ms,
    // 4096 3.26 -> 3.12, 512 0.30 -> 0.31; AVX2 and SSE2 0-7 % faster), while sizes with factors
    // 3 or 5 still gain from the split (AVX-512 n_fft 2000 1.20 ms against 1.33, 1536 1.00 / 1.04).
    const bool power_of_two = (n & (n - 1)) == 0;
    bool dif = with_dif && !blue && even && !power_of_two && n % 8 == 0 && n / 8 >= kDifMinSub;
    if (dif) {
        // the sub-FFTs must be quick too: no prime factors above 5
        int rest = n / 8;
        for (int p : {2, 3, 5}) {
            while (rest > 1 && rest % p == 0) rest /= p;
        }
        dif = rest == 1;
    }
    if (blue) {
        const int M = static_cast<int>(bluestein_size(n));
        blue_sub_ = std::make_unique<const RfftPlan>(2 * M, false);
        blue_chirp64_.resize(2 * static_cast<size_t>(n));
        std::vector<std::complex<double>> h(M);
        for (int j = 0; j < n; ++j) {
            const unsigned long long sq = (static_cast<unsigned long long>(j) * j) % (2ULL * n);
            const double a = -kPi * static_cast<double>(sq) / n;
            blue_chirp64_[2 * j] = std::cos(a);
            blue_chirp64_[2 * j + 1] = std::sin(a);
            h[j] = std::complex<double>(std::cos(a), -std::sin(a));
            if (j > 0) h[M - j] = h[j];
        }
        dft_smooth(h);
        blue_kernel64_.resize(2 * static_cast<size_t>(M));
        for (int k = 0; k < M; ++k) {
            blue_kernel64_[2 * k] = h[k].real() / M;
            blue_kernel64_[2 * k + 1] = h[k].imag() / M;
        }
        blue_chirp_.assign(blue_chirp64_.begin(), blue_chirp64_.end());
        blue_kernel_.assign(blue_kernel64_.begin(), blue_kernel64_.end());
        view_.blue_sub = &blue_sub_->view();
        view_.blue_chirp = blue_chirp_.data();
        view_.blue_chirp64 = blue_chirp64_.data();
        view_.blue_kernel = blue_kernel_.data();
        view_.blue_kernel64 = blue_kernel64_.data();
    }
    if (dif) {
        const int m = n / 8;
        dif_sub_ = std::make_unique<const RfftPlan>(2 * m, false);
        dif_tw64_.resize(static_cast<size_t>(14) * m);
        for (int j = 0; j < m; ++j) {
            for (int q = 1; q < 8; ++q) {
                const double a = -2.0 * kPi * static_cast<double>(q) * j / n;
                dif_tw64_[14 * static_cast<size_t>(j) + 2 * (q - 1)] = std::cos(a);
                dif_tw64_[14 * static_cast<size_t>(j) + 2 * (q - 1) + 1] = std::sin(a);
            }
        }
        dif_tw_.assign(dif_tw64_.begin(), dif_tw64_.end());
        view_.dif_sub = &dif_sub_->view();
        view_.dif_tw = dif_tw_.data();
        view_.dif_tw64 = dif_tw64_.data();
    }
}

size_t RfftPlan::work_floats(int lanes) const {
    // two padded buffers of n complex rows (2 n lanes each; FftWork in kernels/fft_impl.hpp),
    // then scratch: a direct DFT's 2 x radix lanes, or Bluestein's two padded buffers of M rows
    // (the pads counted here are more than the layout uses)
    const size_t scratch = view_.blue_sub != nullptr ? 4 * static_cast<size_t>(view_.blue_sub->n_complex)
                                                     : 2 * static_cast<size_t>(max_radix_);
    const size_t pads = view_.blue_sub != nullptr ? 8 : 4;
    return (4 * static_cast<size_t>(view_.n_complex) + scratch) * lanes + pads * kFftBufferPad;
}

std::shared_ptr<const RfftPlan> RfftPlan::get(int n_fft) {
    static std::mutex mutex;
    static std::map<int, std::shared_ptr<const RfftPlan>> cache;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = cache.find(n_fft);
        if (it != cache.end()) return it->second;
    }
    // built outside the lock (a large prime's Bluestein tables take a while); a plan built
    // meanwhile by another thread wins
    auto plan = std::make_shared<const RfftPlan>(n_fft);
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(n_fft);
    if (it != cache.end()) return it->second;
    if (cache.size() > 64) cache.clear();
    cache.emplace(n_fft, plan);
    return plan;
}

SparseBank::SparseBank(const float* dense, int n_rows, int n_bins) : n_bins_(n_bins) {
    start_.resize(n_rows);
    len_.resize(n_rows);
    offset_.resize(n_rows);
    for (int m = 0; m < n_rows; ++m) {
        const float* row = dense + static_cast<size_t>(m) * n_bins;
        int lo = 0, hi = n_bins;
        while (lo < n_bins && row[lo] == 0.0f) ++lo;
        while (hi > lo && row[hi - 1] == 0.0f) --hi;
        start_[m] = lo;
        len_[m] = hi - lo;
        offset_[m] = static_cast<int64_t>(weights_.size());
        weights_.insert(weights_.end(), row + lo, row + hi);
    }
    view_.n_rows = n_rows;
    view_.start = start_.data();
    view_.len = len_.data();
    view_.offset = offset_.data();
    view_.weights = weights_.data();
}

std::vector<float> chroma_filterbank(double sr, int n_fft, int n_chroma, double tuning,
                                     double ctroct, double octwidth, bool base_c) {
    // A line-by-line port of librosa.filters.chroma in float64.
    const int nc = n_chroma;
    const double a440 = 440.0 * std::pow(2.0, tuning / nc);
    std::vector<double> frqbins(n_fft);
    for (int i = 1; i < n_fft; ++i) {
        const double f = static_cast<double>(i) * (sr / n_fft);  // np.linspace(0, sr, n_fft, endpoint=False)
        frqbins[i] = nc * std::log2(f / (a440 / 16.0));
    }
    frqbins[0] = (n_fft > 1 ? frqbins[1] : 0.0) - 1.5 * nc;
    std::vector<double> binwidth(n_fft);
    for (int i = 0; i + 1 < n_fft; ++i) binwidth[i] = std::max(frqbins[i + 1] - frqbins[i], 1.0);
    binwidth[n_fft - 1] = 1.0;
    const double half = std::nearbyint(static_cast<double>(nc) / 2.0);  // np.round: half to even
    const int n_bins = n_fft / 2 + 1;
    std::vector<double> wts(static_cast<size_t>(nc) * n_bins);
    for (int i = 0; i < n_bins; ++i) {
        double norm2 = 0.0;
        for (int c = 0; c < nc; ++c) {
            // np.remainder for floats: fmod with the sign moved to the divisor's
            double r = std::fmod(frqbins[i] - c + half + 10.0 * nc, static_cast<double>(nc));
            if (r != 0.0 && r < 0.0) r += nc;
            const double d = r - half;
            const double z = 2.0 * d / binwidth[i];
            const double w = std::exp(-0.5 * (z * z));
            wts[static_cast<size_t>(c) * n_bins + i] = w;
            norm2 += w * w;
        }
        double length = std::sqrt(norm2);
        if (length < 2.2250738585072014e-308) length = 1.0;  // tiny(float64)
        double oct = 1.0;
        if (octwidth > 0) {
            const double t = (frqbins[i] / nc - ctroct) / octwidth;
            oct = std::exp(-0.5 * (t * t));
        }
        for (int c = 0; c < nc; ++c) {
            double& w = wts[static_cast<size_t>(c) * n_bins + i];
            w = (w / length) * oct;
        }
    }
    std::vector<float> out(static_cast<size_t>(nc) * n_bins);
    const int shift = base_c ? 3 * (nc / 12) : 0;
    for (int c = 0; c < nc; ++c) {
        const int src = ((c + shift) % nc + nc) % nc;  // np.roll(wts, -shift, axis=0)
        for (int i = 0; i < n_bins; ++i) {
            out[static_cast<size_t>(c) * n_bins + i] =
                static_cast<float>(wts[static_cast<size_t>(src) * n_bins + i]);
        }
    }
    return out;
}

namespace {

std::vector<float> chroma_filterbank_t(double sr, int n_fft, int n_chroma, double tuning,
                                       double ctroct, double octwidth, bool base_c) {
    const std::vector<float> fb = chroma_filterbank(sr, n_fft, n_chroma, tuning, ctroct, octwidth, base_c);
    const size_t n_bins = static_cast<size_t>(n_fft / 2 + 1), nc = static_cast<size_t>(n_chroma);
    std::vector<float> t(fb.size());
    for (size_t c = 0; c < nc; ++c) {
        for (size_t k = 0; k < n_bins; ++k) t[k * nc + c] = fb[c * n_bins + k];
    }
    return t;
}

}  // namespace

std::shared_ptr<const std::vector<float>> cached_chroma_filterbank_t(double sr, int n_fft,
                                                                     int n_chroma, double tuning,
                                                                     double ctroct, double octwidth,
                                                                     bool base_c) {
    if (!(std::isfinite(sr) && std::isfinite(tuning) && std::isfinite(ctroct) &&
          std::isfinite(octwidth))) {
        // (a NaN would break the map's ordering; such a bank is not worth keeping anyway)
        return std::make_shared<const std::vector<float>>(
            chroma_filterbank_t(sr, n_fft, n_chroma, tuning, ctroct, octwidth, base_c));
    }
    using Key = std::tuple<double, int, int, double, double, double, bool>;
    static std::mutex mutex;
    static std::map<Key, std::shared_ptr<const std::vector<float>>> cache;
    const Key key{sr, n_fft, n_chroma, tuning, ctroct, octwidth, base_c};
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    auto bank = std::make_shared<const std::vector<float>>(
        chroma_filterbank_t(sr, n_fft, n_chroma, tuning, ctroct, octwidth, base_c));
    std::lock_guard<std::mutex> lock(mutex);
    if (cache.size() > 256) cache.clear();
    cache.emplace(key, bank);
    return bank;
}

TuningHistogram::TuningHistogram(double resolution, int bins_per_octave)
    : n_hist(std::max(0, static_cast<int>(std::ceil(1.0 / resolution)))),
      scale(static_cast<float>(bins_per_octave)) {
    // np.linspace(-0.5, 0.5, n_hist + 1)
    edges.resize(n_hist + 1);
    const double step = n_hist > 0 ? 1.0 / n_hist : 0.0;
    for (int i = 0; i <= n_hist; ++i) edges[i] = i * step + (-0.5);
    edges[n_hist] = 0.5;
}

double TuningHistogram::estimate(const long long* counts, bool any) const {
    if (!any || n_hist < 1) return 0.0;  // librosa: no frequencies -> 0.0
    int best = 0;
    for (int i = 1; i < n_hist; ++i) {
        if (counts[i] > counts[best]) best = i;
    }
    return edges[best];
}

double pitch_tuning(const float* freqs, size_t n, double resolution, int bins_per_octave) {
    const TuningHistogram hist(resolution, bins_per_octave);
    std::vector<long long> counts(std::max(hist.n_hist, 1), 0);
    bool any = false;
    for (size_t i = 0; i < n; ++i) any = any || freqs[i] > 0.0f;
    if (hist.n_hist >= 1) {
        std::vector<int32_t> bins(n);
        kernels().tuning_bins(hist.view(), freqs, n, bins.data());
        for (const int32_t idx : bins) {
            if (idx >= 0) counts[idx] += 1;
        }
    }
    return hist.estimate(counts.data(), any);
}

PadMode parse_pad_mode(const std::string& name) {
    if (name == "constant") return PadMode::Constant;
    if (name == "edge") return PadMode::Edge;
    if (name == "reflect") return PadMode::Reflect;
    if (name == "symmetric") return PadMode::Symmetric;
    if (name == "wrap") return PadMode::Wrap;
    if (name == "linear_ramp") return PadMode::LinearRamp;
    throw std::invalid_argument("pad_mode='" + name +
                                "' is not supported; use constant, edge, reflect, symmetric, wrap "
                                "or linear_ramp");
}

}  // namespace genrefx
