// The kernels compiled for the "avx2" SIMD level (flags set per file in CMakeLists.txt).
#define GENREFX_LEVEL level_avx2
#define GENREFX_LEVEL_NAME "avx2"
#define GENREFX_LANES 8
#include "kernels/kernels_impl.hpp"

namespace genrefx {
const KernelTable* kernels_avx2() { return &level_avx2::kTable; }
}  // namespace genrefx
