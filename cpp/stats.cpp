#include "stats.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
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

namespace {

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
// (k + 1)-th into it; lo and hi are the row's min and max. A bucket pass over the values'
// order-preserving keys, spread over [key(lo), key(hi)] in about n / 4 buckets (at most 512),
// finds the bucket that holds the k-th, then nth_element on that bucket alone (np.partition's
// result). The (k + 1)-th is the smallest value after it in that bucket, or else the smallest
// of the next non-empty bucket. Measured on the 173 rows of extract's features of a 30-s clip
// (1292 values each): 1.7 us per row (std::nth_element on a copy: 8.6 us, its partitions'
// branches mispredicted); 3.3 us with one histogram of about n buckets and the buckets
// computed twice, unvectorized.
template <typename T>
void select_kth(const T* v, size_t n, size_t k, T lo, T hi, std::vector<T>& scratch, T& kth,
                T* next) {
    using Key = decltype(order_key(T{}));
    // -0.0 sorts just below +0.0 by key but compares equal: a zero min or max takes the key
    // that bounds both
    const Key base = order_key(lo == T(0) ? -T(0) : lo);
    const Key range = order_key(hi == T(0) ? T(0) : hi) - base;
    int bits = 4;
    while (bits < 9 && (size_t{1} << (bits + 2)) < n) ++bits;  // about n / 4 buckets, <= 512
    int shift = 0;
    while (shift < static_cast<int>(sizeof(Key) * 8) && (range >> shift) >= (Key{1} << bits)) ++shift;
    const size_t n_buckets = size_t{1} << bits;
    // (clamped: a key outside [lo, hi], a NaN, cannot index past the histogram)
    auto bucket_of = [&](T x) {
        return std::min(static_cast<size_t>((order_key(x) - base) >> shift), n_buckets - 1);
    };
    // four interleaved histograms: smooth rows put neighbours in one bucket, and one
    // histogram's increments then waited on each other (store-to-load forwarding)
    // the values' buckets first, in a loop the compiler vectorizes
    thread_local std::vector<uint32_t> buckets;
    if (buckets.size() < n) buckets.resize(n);
    uint32_t* bk = buckets.data();
    if constexpr (sizeof(T) == 4) {  // as bucket_of, in 32-bit lanes the compiler vectorizes
        const uint32_t base32 = static_cast<uint32_t>(base), last = static_cast<uint32_t>(n_buckets - 1);
        const int sh = shift;
        for (size_t i = 0; i < n; ++i) {
            uint32_t b;
            std::memcpy(&b, v + i, 4);
            const uint32_t key = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
            const uint32_t d = (key - base32) >> sh;
            bk[i] = d < last ? d : last;
        }
    } else {
        for (size_t i = 0; i < n; ++i) bk[i] = static_cast<uint32_t>(bucket_of(v[i]));
    }
    uint32_t h4[4][size_t{1} << 9];
    for (auto& h : h4) std::fill(h, h + n_buckets, 0u);
    size_t i4 = 0;
    for (; i4 + 4 <= n; i4 += 4) {
        ++h4[0][bk[i4]];
        ++h4[1][bk[i4 + 1]];
        ++h4[2][bk[i4 + 2]];
        ++h4[3][bk[i4 + 3]];
    }
    for (; i4 < n; ++i4) ++h4[0][bk[i4]];
    size_t hist[size_t{1} << 9];
    for (size_t j = 0; j < n_buckets; ++j) {
        hist[j] = size_t{h4[0][j]} + h4[1][j] + h4[2][j] + h4[3][j];
    }
    size_t bucket = 0, before = 0;
    while (before + hist[bucket] <= k) before += hist[bucket++];
    const bool next_here = next == nullptr || k + 1 - before < hist[bucket];
    size_t bucket2 = bucket + 1;
    if (!next_here) {
        while (hist[bucket2] == 0) ++bucket2;
    }
    // the bucket's values, compacted without branches; the smallest value of bucket2 in its
    // own pass, only when it is needed
    if (scratch.size() < n) scratch.resize(n);
    T* sel = scratch.data();
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
        sel[m] = v[i];
        m += bk[i] == bucket;
    }
    T next_min = hi;
    if (!next_here) {
        for (size_t i = 0; i < n; ++i) {
            if (bk[i] == bucket2 && v[i] < next_min) next_min = v[i];
        }
    }
    const size_t at = k - before;
    std::nth_element(sel, sel + at, sel + m);
    kth = sel[at];
    if (next == nullptr) return;
    *next = next_here ? *std::min_element(sel + at + 1, sel + m) : next_min;
}

// np.median of v[0..n) (n >= 1) given its min and max: the middle value, or the mean of the two
// middle ones in T (numpy's float32 median of float32 values).
template <typename T>
T median_in_range(const T* v, size_t n, T lo, T hi, std::vector<T>& scratch) {
    const size_t mid = n / 2;
    T lower, upper;
    if (n % 2 == 1) {
        select_kth<T>(v, n, mid, lo, hi, scratch, upper, nullptr);
        return upper;
    }
    select_kth<T>(v, n, mid - 1, lo, hi, scratch, lower, &upper);
    return static_cast<T>((lower + upper) / T(2));
}

}  // namespace

float median_of(const std::vector<float>& values) {
    if (values.empty()) return 0.0f;
    float lo = values[0], hi = values[0];
    for (float v : values) {
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    thread_local std::vector<float> scratch;  // kept: estimate_tuning calls this once per extract
    return median_in_range(values.data(), values.size(), lo, hi, scratch);
}

namespace {

// Mean, central moments over n (float64) and min / max of a row.
template <typename T>
struct Moments {
    double mean, m2, m3, m4;
    T lo, hi;
};

Moments<float> row_moments(const KernelTable& K, const float* v, size_t frames) {
    double m[4];
    Moments<float> r{};
    K.row_moments(v, frames, m, &r.lo, &r.hi);
    r.mean = m[0];
    r.m2 = m[1];
    r.m3 = m[2];
    r.m4 = m[3];
    return r;
}

// float64 rows (rare: the core's features are float32) in four interleaved partial sums.
Moments<double> row_moments(const KernelTable&, const double* v, size_t frames) {
    double sum4[4] = {0, 0, 0, 0};
    double lo = v[0], hi = v[0];
    size_t i = 0;
    for (; i + 4 <= frames; i += 4) {
        for (int j = 0; j < 4; ++j) {
            sum4[j] += v[i + j];
            lo = v[i + j] < lo ? v[i + j] : lo;
            hi = v[i + j] > hi ? v[i + j] : hi;
        }
    }
    for (; i < frames; ++i) {
        sum4[0] += v[i];
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    const double mean = ((sum4[0] + sum4[1]) + (sum4[2] + sum4[3])) / static_cast<double>(frames);
    double a2[4] = {0, 0, 0, 0}, a3[4] = {0, 0, 0, 0}, a4[4] = {0, 0, 0, 0};
    for (i = 0; i + 4 <= frames; i += 4) {
        for (int j = 0; j < 4; ++j) {
            const double c = v[i + j] - mean;
            const double c2 = c * c;
            a2[j] += c2;
            a3[j] += c2 * c;
            a4[j] += c2 * c2;
        }
    }
    for (; i < frames; ++i) {
        const double c = v[i] - mean;
        const double c2 = c * c;
        a2[0] += c2;
        a3[0] += c2 * c;
        a4[0] += c2 * c2;
    }
    const double n = static_cast<double>(frames);
    return {mean,
            ((a2[0] + a2[1]) + (a2[2] + a2[3])) / n,
            ((a3[0] + a3[1]) + (a3[2] + a3[3])) / n,
            ((a4[0] + a4[1]) + (a4[2] + a4[3])) / n,
            lo,
            hi};
}

}  // namespace

template <typename T>
void row_statistics(const KernelTable& K, const T* x, size_t rows, size_t frames,
                    const std::vector<Stat>& stats, float* out) {
    const bool need_median =
        std::find(stats.begin(), stats.end(), Stat::Median) != stats.end();
    std::vector<T> scratch;
    scratch.reserve(need_median ? frames : 0);
    for (size_t r = 0; r < rows; ++r) {
        const T* v = x + r * frames;
        Moments<T> mo = row_moments(K, v, frames);
        if (mo.lo == mo.hi) {
            // a constant row: its value and no spread. The sums would say otherwise for float64
            // rows whose sum rounds (0.1 x 1000): the mean a few ulps off the value, and every
            // centred value the same tiny d, so skew +-1 and kurtosis -2 (found in review)
            mo.mean = static_cast<double>(mo.lo);
            mo.m2 = mo.m3 = mo.m4 = 0.0;
        }
        const double mean = mo.mean, m2 = mo.m2, m3 = mo.m3, m4 = mo.m4;
        const T lo = mo.lo, hi = mo.hi;
        // a constant row (up to rounding): skew and kurtosis 0, as documented
        const double eps = DBL_EPSILON * std::max(std::fabs(mean), 1e-300);
        const bool flat = m2 <= eps * eps;
        const double median =
            need_median ? static_cast<double>(median_in_range(v, frames, lo, hi, scratch)) : 0.0;
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

template void row_statistics<float>(const KernelTable&, const float*, size_t, size_t,
                                    const std::vector<Stat>&, float*);
template void row_statistics<double>(const KernelTable&, const double*, size_t, size_t,
                                     const std::vector<Stat>&, float*);

}  // namespace genrefx
