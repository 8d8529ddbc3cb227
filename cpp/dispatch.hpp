// Chooses the kernels for this CPU once, at import: the best SIMD level the CPU supports, capped
// by the environment variable GENREFX_SIMD (baseline, avx2, avx512).
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel_table.hpp"

namespace genrefx {

// The kernels in use. Throws std::invalid_argument (naming GENREFX_SIMD) for an unknown cap.
const KernelTable& kernels();

// Levels this CPU supports, lowest first.
std::vector<std::string> available_levels();

// The value of GENREFX_SIMD at selection time, or "" when unset.
std::string simd_cap();

}  // namespace genrefx
