// Summary statistics of frame-level features over their frames, for the feature table.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/kernel_table.hpp"

namespace genrefx {

enum class Stat { Mean, Std, Skew, Kurtosis, Median, Min, Max, Var };

Stat parse_stat(const std::string& name);  // throws std::invalid_argument

// Statistics of each row of x[rows][frames] (C order), stat-major: out[s * rows + r].
// Moments in float64: std and var are the population ones, skew and kurtosis scipy.stats'
// defaults (biased; Fisher's kurtosis), 0 for a constant row; median as numpy's (the mean of
// the two middle values for an even count); min and max.
// np.median of float32 values (numpy's float32 mean of the two middle ones for an even count); 0
// for none. NaN-free.
float median_of(const std::vector<float>& values);

template <typename T>
void row_statistics(const KernelTable& K, const T* x, size_t rows, size_t frames,
                    const std::vector<Stat>& stats, float* out);

}  // namespace genrefx
