// The kernels compiled for the "avx512" SIMD level (flags set per file in CMakeLists.txt).
#define GENREFX_LEVEL level_avx512
#define GENREFX_LEVEL_NAME "avx512"
#define GENREFX_LANES 16
#include "kernels/kernels_impl.hpp"

namespace genrefx {
const KernelTable* kernels_avx512() { return &level_avx512::kTable; }
}  // namespace genrefx
