// Hand-written x86-64 kernels for the transformer forward pass (AVX-512F, selected per function
// with target attributes so the rest of the build stays portable). Callers must check
// rk_cpu_has_avx512() first; on other CPUs they keep the OpenBLAS / Swift SIMD paths.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// 1 when the running CPU (and OS) support AVX-512F, else 0.
int rk_cpu_has_avx512(void);

/// Panel width of the packed weight layout (columns of the output per panel).
#define RK_PANEL 32

/// Floats needed to pack an nn.Linear weight [n, k]: n rounded up to RK_PANEL, times k.
size_t rk_packed_weight_count(int n, int k);

/// Packs an nn.Linear weight w [n, k] (row-major, out x in) into panels of RK_PANEL output
/// columns: packed[panel][p][j] = w[panel*RK_PANEL + j][p], zero-padded past n. Portable C.
void rk_pack_weight(const float *w, int n, int k, float *packed);

/// c [m, n] = a [m, k] · wᵀ + bias (+ c when accumulate != 0), w packed by rk_pack_weight.
/// bias may be NULL. Only output columns [col_begin, col_end) are written; col_begin must be a
/// multiple of RK_PANEL (lets callers split the columns across threads). Requires AVX-512F.
void rk_sgemm_packed(int m, int n, int k, const float *a, int lda, const float *packed,
                     const float *bias, float *c, int ldc, int accumulate,
                     int col_begin, int col_end);

/// In place GELU (erf form, x · ½(1 + erf(x/√2))) on count floats. Requires AVX-512F.
void rk_gelu_erf(float *x, size_t count);

/// IEEE half (fp16) to fp32, count values from src (any alignment) into dst. Requires AVX-512F.
void rk_f16_to_f32(const void *src, float *dst, size_t count);

/// In place LayerNorm of each row of x [rows, cols] (biased variance). Requires AVX-512F.
void rk_layer_norm(float *x, int rows, int cols, const float *gamma, const float *beta, float epsilon);

/// Fused attention for one sequence: for each head h, context[:, h] = softmax(scale · Q_h K_hᵀ) V_h
/// over all `length` positions, for heads in [head_begin, head_end) (lets callers split heads
/// across threads, each with its own work). qkv [length, 3·hidden] rows (Q | K | V, heads
/// contiguous in each), context [length, hidden] with row stride ldc. work needs
/// rk_attention_work_count floats. Requires AVX-512F.
void rk_attention(const float *qkv, int length, int heads, int head_size, float scale,
                  float *context, int ldc, float *work, int head_begin, int head_end);

/// Floats of work memory rk_attention needs.
size_t rk_attention_work_count(int length, int head_size);

/// 1 when the CPU supports AVX-512F, BW, VL and VNNI (the int8 GEMM), else 0.
int rk_cpu_has_avx512_vnni(void);

/// Bytes of an int8-packed nn.Linear weight [n, k]: n rounded up to RK_PANEL, times k rounded up to 4.
size_t rk_qpacked_weight_bytes(int n, int k);

/// Quantizes w [n, k] per output row (symmetric int8, scale max|w|/127) and packs it for
/// rk_qgemm_packed: packed[panel][k/4][32][4]; scales[n] and colsums[n] (Σ_k of the int8 row). Portable C.
void rk_quantize_pack_weight(const float *w, int n, int k, signed char *packed, float *scales, int *colsums);

/// Dynamic per-row asymmetric activation quantization: xq[r, :] = round((x[r, :] - lo) / s) in
/// [0, 255] with lo = min x[r, :] into offsets[r], s = (max - lo) / 255 into scales[r]; columns
/// [k, round4(k)) are filled with 0. Requires a VNNI CPU.
void rk_quantize_rows(const float *x, int rows, int k, int ldx, unsigned char *xq, int ldq,
                      float *scales, float *offsets);

/// c [m, n] = dequant(xq · w_qᵀ) + bias (+ c when accumulate), for columns [col_begin, col_end)
/// (col_begin a multiple of RK_PANEL). Requires an AVX-512 VNNI CPU.
void rk_qgemm_packed(int m, int n, int k, const unsigned char *xq, int ldq, const float *xscales,
                     const float *xoffsets, const signed char *packed, const float *wscales, const int *colsums,
                     const float *bias, float *c, int ldc, int accumulate, int col_begin, int col_end);

/// ggml block formats understood by rk_qmatvec (values are ours, not ggml's type ids).
#define RK_Q4_0 0
#define RK_Q4_1 1
#define RK_Q8_0 2

/// Quantizes one activation vector x [n] (n a multiple of 32) into int8 blocks of 32, as llama.cpp's q8_1:
/// d[b] = max|x_b| / 127, q = round(x / d[b]), s[b] = d[b] · Σ q. Requires a VNNI CPU (rk_cpu_has_avx512_vnni).
void rk_quantize_q8_blocks(const float *x, int n, signed char *q, float *d, float *s);

/// y[v·ldy + r] = W[r, :] · x_v for rows [row_begin, row_end) and vectors v < `vectors`, W [rows, n] in the
/// ggml block format `format` (RK_Q4_0 / RK_Q4_1 / RK_Q8_0) with rows row_bytes apart, x_v quantized by
/// rk_quantize_q8_blocks into xq [vectors, n], xd and xs [vectors, n/32]. Vectors are taken two at a time so
/// that each decoded weight block serves both. Requires a VNNI CPU.
void rk_qmatvec(int format, const void *w, size_t row_bytes, int n, int row_begin, int row_end,
                const signed char *xq, const float *xd, const float *xs, int vectors, float *y, int ldy);

#endif
