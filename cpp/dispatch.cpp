#include "dispatch.hpp"

#include <cstdlib>
#include <stdexcept>

namespace genrefx {
namespace {

struct Level {
    const char* name;
    const KernelTable* (*table)();
    bool (*supported)();
};

bool always() { return true; }

#if defined(GENREFX_HAVE_X86_LEVELS)
bool has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool has_avx512() {
    __builtin_cpu_init();
    return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}
#endif

const Level kLevels[] = {
    {"baseline", &kernels_baseline, &always},
#if defined(GENREFX_HAVE_X86_LEVELS)
    {"avx2", &kernels_avx2, &has_avx2},
    {"avx512", &kernels_avx512, &has_avx512},
#endif
};

const KernelTable* select() {
    const char* cap_env = std::getenv("GENREFX_SIMD");
    const std::string cap = cap_env ? cap_env : "";
    int cap_index = -1;
    if (!cap.empty()) {
        for (int i = 0; i < static_cast<int>(sizeof(kLevels) / sizeof(kLevels[0])); ++i) {
            if (cap == kLevels[i].name) cap_index = i;
        }
        if (cap_index < 0 && cap != "avx2" && cap != "avx512") {
            throw std::invalid_argument("GENREFX_SIMD='" + cap +
                                        "' is not a SIMD level; use baseline, avx2 or avx512");
        }
        if (cap_index < 0) cap_index = 0;  // an x86 level on a non-x86 build
    }
    const KernelTable* best = kLevels[0].table();
    for (int i = 0; i < static_cast<int>(sizeof(kLevels) / sizeof(kLevels[0])); ++i) {
        if (cap_index >= 0 && i > cap_index) break;
        if (kLevels[i].supported()) best = kLevels[i].table();
    }
    return best;
}

}  // namespace

const KernelTable& kernels() {
    static const KernelTable* table = select();
    return *table;
}

std::vector<std::string> available_levels() {
    std::vector<std::string> out;
    for (const Level& level : kLevels) {
        if (level.supported()) out.emplace_back(level.name);
    }
    return out;
}

std::string simd_cap() {
    kernels();  // the cap is read once, when the level is selected
    static const std::string cap = [] {
        const char* cap_env = std::getenv("GENREFX_SIMD");
        return std::string(cap_env ? cap_env : "");
    }();
    return cap;
}

}  // namespace genrefx
