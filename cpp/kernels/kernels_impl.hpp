// The kernels, written once as plain loops over W lanes (frames) that the compiler vectorizes for
// the ISA of the translation unit that includes this file. Include it only from
// cpp/kernels/level_*.cpp after defining GENREFX_LEVEL (a namespace name) and GENREFX_LANES.
// Here: the lane count W and the table of entry points. The parts, one header per concept,
// included in this order: fft_impl.hpp (the complex FFT), spectrum_impl.hpp (windowed frames
// to spectra), lanes_impl.hpp (the lane helpers the rest use), filterbank_impl.hpp (mel,
// chroma, CQT basis), shape_impl.hpp (centroid, bandwidth, rolloff), flatness_impl.hpp,
// contrast_impl.hpp, energy_impl.hpp (rms, power sums, dB), zcr_impl.hpp, stats_impl.hpp (the
// table's row statistics), pitch_impl.hpp (piptrack, tuning); at the end inverse_impl.hpp (the inverse
// FFT), median_impl.hpp (hpss) and rhythm_impl.hpp (the tempogram's autocorrelation).
//
// Rules: no allocation, no std:: templates that other translation units could also instantiate
// (their code would be merged across ISAs), no calls to inline functions of shared headers.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/kernel_table.hpp"

#if !defined(GENREFX_LEVEL) || !defined(GENREFX_LANES)
#error "define GENREFX_LEVEL and GENREFX_LANES before including kernels_impl.hpp"
#endif

#define GX_SIMD _Pragma("omp simd")
#define GX_RESTRICT __restrict__

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

constexpr int W = GENREFX_LANES;

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx

#include "kernels/fft_impl.hpp"
#include "kernels/spectrum_impl.hpp"
#include "kernels/lanes_impl.hpp"
#include "kernels/filterbank_impl.hpp"
#include "kernels/shape_impl.hpp"
#include "kernels/flatness_impl.hpp"
#include "kernels/contrast_impl.hpp"
#include "kernels/energy_impl.hpp"
#include "kernels/zcr_impl.hpp"
#include "kernels/stats_impl.hpp"
#include "kernels/pitch_impl.hpp"

namespace genrefx {
namespace GENREFX_LEVEL {
namespace {

// Defined in kernels/inverse_impl.hpp, median_impl.hpp and rhythm_impl.hpp (included at the end).
void irfft_frames(const RfftView&, const float*, const float* const*, int, float*, float*, size_t);
void irfft_frames64(const RfftView&, const double*, const double* const*, int, double*, double*,
                    size_t);
void median_lanes(const float* const*, int64_t, int, int, float*, float*, size_t);
void to_lanes(const float* const*, int, float*);
void from_lanes(const float*, int, int, float*, size_t);
void hpss_combine(const float*, const float*, const float*, const float*, size_t, float, float,
                  float, bool, bool, float*, float*);
void complex_abs(const float*, size_t, float*);
void autocorrelate(const double*, int, double*);
void autocorr_frames64(const RfftView&, const double*, const float* const*, int, int, double*,
                       double*);
void hann_autocorr(const double*, const double*, int64_t, int, int64_t, int64_t, const double*,
                   double*, double*);
void normalize_rows(double*, int64_t, int);

const KernelTable kTable = {
    GENREFX_LEVEL_NAME,
    W,
    &spectrum,
    &spectrum64,
    &spectrum64d,
    &sparse_bank,
    &complex_sparse_bank,
    &dense_bank,
    &centroid_bandwidth,
    &rolloff,
    &flatness,
    &contrast_peaks,
    &frame_energy,
    &power_sum,
    &all_finite,
    &row_moments,
    &divide,
    &sign_changes,
    &window_counts,
    &chunk_changes,
    &db_rows,
    &piptrack,
    &tuning_bins,
    &irfft_frames,
    &irfft_frames64,
    &median_lanes,
    &to_lanes,
    &from_lanes,
    &hpss_combine,
    &complex_abs,
    &autocorrelate,
    &autocorr_frames64,
    &hann_autocorr,
    &normalize_rows,
};

}  // namespace
}  // namespace GENREFX_LEVEL
}  // namespace genrefx

#include "kernels/inverse_impl.hpp"
#include "kernels/median_impl.hpp"
#include "kernels/rhythm_impl.hpp"
