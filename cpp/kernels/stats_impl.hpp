// Row statistics for the feature table (cpp/stats.cpp): moments, min and max of a float32 row;
// also the finite check and the division the Python layer asks for.
// Included by kernels_impl.hpp into its per-level namespace, after lanes_impl.hpp; same rules.

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// The moments of one float32 row of n >= 1 values for the feature table's statistics (cpp/stats.cpp):
// out = {mean, m2, m3, m4} (central moments over n, float64), lo / hi its min and max. Sums in
// 16 float64 partial sums (two passes: the mean, then the centred powers).
void row_moments(const float* GX_RESTRICT v, size_t n, double* out, float* lo, float* hi) {
    constexpr size_t P = 16;
    const size_t body = n - n % P;
    double s[P], a2[P], a3[P], a4[P];
    float mn[P], mx[P];
    GX_SIMD for (size_t l = 0; l < P; ++l) {
        s[l] = 0.0;
        mn[l] = v[0];
        mx[l] = v[0];
    }
    for (size_t i = 0; i < body; i += P) {
        GX_SIMD for (size_t l = 0; l < P; ++l) {
            const float x = v[i + l];
            s[l] += static_cast<double>(x);
            mn[l] = x < mn[l] ? x : mn[l];
            mx[l] = x > mx[l] ? x : mx[l];
        }
    }
    for (size_t i = body; i < n; ++i) {
        const float x = v[i];
        s[i - body] += static_cast<double>(x);
        mn[i - body] = x < mn[i - body] ? x : mn[i - body];
        mx[i - body] = x > mx[i - body] ? x : mx[i - body];
    }
    double sum = 0.0;
    float l0 = mn[0], h0 = mx[0];
    for (size_t l = 0; l < P; ++l) {
        sum += s[l];
        l0 = mn[l] < l0 ? mn[l] : l0;
        h0 = mx[l] > h0 ? mx[l] : h0;
    }
    const double mean = sum / static_cast<double>(n);
    GX_SIMD for (size_t l = 0; l < P; ++l) {
        a2[l] = 0.0;
        a3[l] = 0.0;
        a4[l] = 0.0;
    }
    for (size_t i = 0; i < body; i += P) {
        GX_SIMD for (size_t l = 0; l < P; ++l) {
            const double c = static_cast<double>(v[i + l]) - mean;
            const double c2 = c * c;
            a2[l] += c2;
            a3[l] += c2 * c;
            a4[l] += c2 * c2;
        }
    }
    for (size_t i = body; i < n; ++i) {
        const double c = static_cast<double>(v[i]) - mean;
        const double c2 = c * c;
        a2[i - body] += c2;
        a3[i - body] += c2 * c;
        a4[i - body] += c2 * c2;
    }
    double m2 = 0.0, m3 = 0.0, m4 = 0.0;
    for (size_t l = 0; l < P; ++l) {
        m2 += a2[l];
        m3 += a3[l];
        m4 += a4[l];
    }
    const double count = static_cast<double>(n);
    out[0] = mean;
    out[1] = m2 / count;
    out[2] = m3 / count;
    out[3] = m4 / count;
    *lo = l0;
    *hi = h0;
}

bool all_finite(const float* x, size_t n) {
    // exponent bits all ones: NaN or infinity; checked in chunks so that a bad value stops early
    constexpr size_t kChunk = 4096;
    for (size_t lo = 0; lo < n; lo += kChunk) {
        const size_t hi = lo + kChunk < n ? lo + kChunk : n;
        uint32_t bad = 0;
        _Pragma("omp simd reduction(|:bad)") for (size_t i = lo; i < hi; ++i) {
            uint32_t bits;
            std::memcpy(&bits, x + i, 4);
            bad |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
        }
        if (bad) return false;
    }
    return true;
}

void divide(const float* GX_RESTRICT x, size_t n, double divisor, float* GX_RESTRICT out) {
    GX_SIMD for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<float>(static_cast<double>(x[i]) / divisor);
    }
}

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx
