// The kernels compiled for the "baseline" SIMD level (flags set per file in CMakeLists.txt).
#define GENREFX_LEVEL level_baseline
#define GENREFX_LEVEL_NAME "baseline"
#define GENREFX_LANES 8
#include "kernels/kernels_impl.hpp"

namespace genrefx {
const KernelTable* kernels_baseline() { return &level_baseline::kTable; }
}  // namespace genrefx
