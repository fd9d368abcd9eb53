// Packed-weight SGEMM for nn.Linear: c [m, n] = a [m, k] · wᵀ + bias, with w pre-packed once at
// load time (rk_pack_weight) so no call re-packs the fixed weights (OpenBLAS does, every call).
//
// Register tile: MR = 14 rows x 32 columns = 28 zmm accumulators, plus 2 zmm of the weight panel
// and 1 broadcast of a (31 of 32 zmm). Blocking (GotoBLAS order, a read in place, not packed):
//   for each MC chunk of rows:         the chunk's rows of c stay in L2 across the KC slices
//     for each KC slice of k:          a[MC, KC] is copied into 14-row slivers [KC][14] (thread-local,
//                                      168 KiB, stays in L2) so the kernel's broadcasts are sequential
//       for each 32-column panel:      the KCx32 weight block (32 KiB) stays in L1/L2
//         for each 14-row sliver: microkernel.
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 14
#define KC 256
#define MC 168  // 12 row blocks: a 168 x 256 slice is 168 KiB, well inside a Zen 4 L2 (1 MiB)

#define AVX512 __attribute__((target("avx512f")))

// One MR'xPANEL tile (MR' = rows <= MR, a compile-time constant after inlining). `first` selects
// the accumulator's start: bias (+ c when accumulating) for the first KC slice, else c.
static inline __attribute__((always_inline)) AVX512 void tile(
    const int rows, const float *ap, const float *bp, int kc,
    const float *bias, float *c, int ldc, int first, int accumulate,
    __mmask16 m0, __mmask16 m1)
{
    __m512 acc0[MR], acc1[MR];
    if (first) {
        __m512 b0 = bias ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
        __m512 b1 = bias ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            acc0[r] = b0; acc1[r] = b1;
            if (accumulate) {
                acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, c + (size_t)r * ldc));
                acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, c + (size_t)r * ldc + 16));
            }
        }
    } else {
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            acc0[r] = _mm512_maskz_loadu_ps(m0, c + (size_t)r * ldc);
            acc1[r] = _mm512_maskz_loadu_ps(m1, c + (size_t)r * ldc + 16);
        }
    }
    for (int p = 0; p < kc; p++) {
        __m512 w0 = _mm512_load_ps(bp + (size_t)p * RK_PANEL);
        __m512 w1 = _mm512_load_ps(bp + (size_t)p * RK_PANEL + 16);
        const float *ar = ap + (size_t)p * rows;  // sliver layout [kc][rows]
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) {
            __m512 x = _mm512_set1_ps(ar[r]);
            acc0[r] = _mm512_fmadd_ps(x, w0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(x, w1, acc1[r]);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < rows; r++) {
        _mm512_mask_storeu_ps(c + (size_t)r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16, m1, acc1[r]);
    }
}

#define TILE_CASE(R) case R: tile(R, ap, bp, kc, bias, c, ldc, first, accumulate, m0, m1); break;

static AVX512 void tile_dispatch(
    int rows, const float *ap, const float *bp, int kc,
    const float *bias, float *c, int ldc, int first, int accumulate, __mmask16 m0, __mmask16 m1)
{
    switch (rows) {
        TILE_CASE(14) TILE_CASE(13) TILE_CASE(12) TILE_CASE(11) TILE_CASE(10) TILE_CASE(9) TILE_CASE(8)
        TILE_CASE(7) TILE_CASE(6) TILE_CASE(5) TILE_CASE(4) TILE_CASE(3) TILE_CASE(2) TILE_CASE(1)
        default: break;
    }
}

// Copies a[mc, kc] (row stride lda) into slivers of MR rows, each [kc][rows] (the last may be
// shorter): the order in which the microkernel broadcasts them.
static void pack_a(const float *a, int lda, int mc, int kc, float *ap) {
    for (int i = 0; i < mc; i += MR) {
        int rows = mc - i < MR ? mc - i : MR;
        for (int r = 0; r < rows; r++) {
            const float *src = a + (size_t)(i + r) * lda;
            for (int p = 0; p < kc; p++) ap[(size_t)p * rows + r] = src[p];
        }
        ap += (size_t)rows * kc;
    }
}

AVX512 void rk_sgemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                            const float *bias, float *c, int ldc, int accumulate,
                            int col_begin, int col_end)
{
    if (col_end > n) col_end = n;
    if (m <= 0 || col_begin >= col_end) return;
    static _Thread_local float apack[MC * KC] __attribute__((aligned(64)));
    // Row chunks outermost: the chunk's c rows (<= 168 x n) stay in L2 across the KC slices.
    for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = m - i0 < MC ? m - i0 : MC;
        for (int p0 = 0; p0 < k || (k == 0 && p0 == 0); p0 += KC) {
            int kc = k - p0 < KC ? k - p0 : KC;
            int first = p0 == 0;
            pack_a(a + (size_t)i0 * lda + p0, lda, mc, kc, apack);
            for (int j0 = col_begin; j0 < col_end; j0 += RK_PANEL) {
                int cols = col_end - j0 < RK_PANEL ? col_end - j0 : RK_PANEL;
                __mmask16 m0 = cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1);
                __mmask16 m1 = cols <= 16 ? 0 : cols >= 32 ? 0xFFFF : (__mmask16)((1u << (cols - 16)) - 1);
                const float *bp = packed + (size_t)(j0 / RK_PANEL) * RK_PANEL * k + (size_t)p0 * RK_PANEL;
                const float *pb = bias ? bias + j0 : NULL;
                for (int i = i0; i < i0 + mc; i += MR) {
                    int rows = i0 + mc - i < MR ? i0 + mc - i : MR;
                    tile_dispatch(rows, apack + (size_t)(i - i0) * kc, bp, kc, pb,
                                  c + (size_t)i * ldc + j0, ldc, first, accumulate, m0, m1);
                }
            }
            if (k == 0) break;
        }
    }
}

#else
void rk_sgemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc, int accumulate, int col_begin, int col_end) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)bias; (void)c; (void)ldc;
    (void)accumulate; (void)col_begin; (void)col_end;
}
#endif
