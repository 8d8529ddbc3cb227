#include "stats.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace genrefx {

Stat parse_stat(const std::string& name) {
    if (name == "mean") return Stat::Mean;
    if (name == "std") return Stat::Std;
    if (name == "skew") return Stat::Skew;
    if (name == "kurtosis") return Stat::Kurtosis;
    if (name == "median") return Stat::Median;
    if (name == "min") return Stat::Min;
    if (name == "max") return Stat::Max;
    if (name == "var") return Stat::Var;
    throw std::invalid_argument("unknown statistic '" + name + "'");
}

// Order-preserving unsigned keys of floats (finite values; -0.0 sorts just below +0.0,
// which does not change which value is selected).
inline uint32_t order_key(float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
inline uint64_t order_key(double f) {
    uint64_t b;
    std::memcpy(&b, &f, 8);
    return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}

// The k-th smallest of v[0..n) (0-based) into `kth` and, when `next` is given (k + 1 < n), the
// (k + 1)-th into it: a radix pass over the keys' top 11 bits finds the bucket that holds the
// k-th, then nth_element on that bucket alone (np.partition's result). The (k + 1)-th is the
// smallest value after it in that bucket, or else the smallest of the next non-empty bucket.
template <typename T>
void select_kth(const T* v, size_t n, size_t k, std::vector<T>& scratch, T& kth, T* next) {
    constexpr int kBits = 11;
    constexpr int kShift = static_cast<int>(sizeof(T) * 8) - kBits;
    size_t hist[1 << kBits] = {};
    for (size_t i = 0; i < n; ++i) ++hist[order_key(v[i]) >> kShift];
    size_t bucket = 0, before = 0;
    while (before + hist[bucket] <= k) before += hist[bucket++];
    const bool next_here = next == nullptr || k + 1 - before < hist[bucket];
    size_t bucket2 = bucket + 1;
    if (!next_here) {
        while (hist[bucket2] == 0) ++bucket2;
    }
    scratch.clear();
    bool have_next = false;
    T next_min{};
    for (size_t i = 0; i < n; ++i) {
        const size_t b = static_cast<size_t>(order_key(v[i]) >> kShift);
        if (b == bucket) {
            scratch.push_back(v[i]);
        } else if (!next_here && b == bucket2 && (!have_next || v[i] < next_min)) {
            next_min = v[i];
            have_next = true;
        }
    }
    const size_t at = k - before;
    std::nth_element(scratch.begin(), scratch.begin() + at, scratch.end());
    kth = scratch[at];
    if (next == nullptr) return;
    if (next_here) {
        *next = *std::min_element(scratch.begin() + at + 1, scratch.end());
    } else {
        *next = next_min;
    }
}

template <typename T>
void row_statistics(const T* x, size_t rows, size_t frames, const std::vector<Stat>& stats,
                    float* out) {
    const bool need_median =
        std::find(stats.begin(), stats.end(), Stat::Median) != stats.end();
    std::vector<T> scratch;
    scratch.reserve(need_median ? frames : 0);
    for (size_t r = 0; r < rows; ++r) {
        const T* v = x + r * frames;
        // four interleaved partial sums: independent additions the CPU can overlap
        double sum4[4] = {0, 0, 0, 0};
        T lo = v[0], hi = v[0];
        size_t i = 0;
        for (; i + 4 <= frames; i += 4) {
            for (int j = 0; j < 4; ++j) {
                sum4[j] += static_cast<double>(v[i + j]);
                lo = v[i + j] < lo ? v[i + j] : lo;
                hi = v[i + j] > hi ? v[i + j] : hi;
            }
        }
        for (; i < frames; ++i) {
            sum4[0] += static_cast<double>(v[i]);
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
        const double mean = ((sum4[0] + sum4[1]) + (sum4[2] + sum4[3])) / static_cast<double>(frames);
        double a2[4] = {0, 0, 0, 0}, a3[4] = {0, 0, 0, 0}, a4[4] = {0, 0, 0, 0};
        for (i = 0; i + 4 <= frames; i += 4) {
            for (int j = 0; j < 4; ++j) {
                const double c = static_cast<double>(v[i + j]) - mean;
                const double c2 = c * c;
                a2[j] += c2;
                a3[j] += c2 * c;
                a4[j] += c2 * c2;
            }
        }
        for (; i < frames; ++i) {
            const double c = static_cast<double>(v[i]) - mean;
            const double c2 = c * c;
            a2[0] += c2;
            a3[0] += c2 * c;
            a4[0] += c2 * c2;
        }
        const double m2 = ((a2[0] + a2[1]) + (a2[2] + a2[3])) / frames;
        const double m3 = ((a3[0] + a3[1]) + (a3[2] + a3[3])) / frames;
        const double m4 = ((a4[0] + a4[1]) + (a4[2] + a4[3])) / frames;
        // a constant row (up to rounding): skew and kurtosis 0, as documented
        const double eps = DBL_EPSILON * std::max(std::fabs(mean), 1e-300);
        const bool flat = m2 <= eps * eps;
        double median = 0.0;
        if (need_median) {
            const size_t mid = frames / 2;
            if (frames % 2 == 1) {
                T upper;
                select_kth<T>(v, frames, mid, scratch, upper, nullptr);
                median = static_cast<double>(upper);
            } else {  // the two middle values from one pass
                T lower, upper;
                select_kth(v, frames, mid - 1, scratch, lower, &upper);
                median = static_cast<double>(static_cast<T>((lower + upper) / T(2)));
            }
        }
        for (size_t s = 0; s < stats.size(); ++s) {
            double value = 0.0;
            switch (stats[s]) {
                case Stat::Mean: value = mean; break;
                case Stat::Std: value = std::sqrt(m2); break;
                case Stat::Var: value = m2; break;
                case Stat::Skew: value = flat ? 0.0 : m3 / (m2 * std::sqrt(m2)); break;
                case Stat::Kurtosis: value = flat ? 0.0 : m4 / (m2 * m2) - 3.0; break;
                case Stat::Median: value = median; break;
                case Stat::Min: value = static_cast<double>(lo); break;
                case Stat::Max: value = static_cast<double>(hi); break;
            }
            out[s * rows + r] = static_cast<float>(value);
        }
    }
}

template void row_statistics<float>(const float*, size_t, size_t, const std::vector<Stat>&, float*);
template void row_statistics<double>(const double*, size_t, size_t, const std::vector<Stat>&,
                                     float*);

}  // namespace genrefx
