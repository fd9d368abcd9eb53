#include "CKernels.h"

int rk_cpu_has_avx512(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    // __builtin_cpu_supports checks CPUID and that the OS saves the ZMM state (XGETBV).
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

size_t rk_packed_weight_count(int n, int k) {
    size_t panels = ((size_t)n + RK_PANEL - 1) / RK_PANEL;
    return panels * RK_PANEL * (size_t)k;
}

void rk_pack_weight(const float *w, int n, int k, float *packed) {
    int panels = (n + RK_PANEL - 1) / RK_PANEL;
    for (int panel = 0; panel < panels; panel++) {
        float *dst = packed + (size_t)panel * RK_PANEL * k;
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < RK_PANEL; j++) {
                int col = panel * RK_PANEL + j;
                dst[(size_t)p * RK_PANEL + j] = col < n ? w[(size_t)col * k + p] : 0.0f;
            }
        }
    }
}
