// Elementwise and row kernels (GELU, LayerNorm) at AVX-512 width; the Swift kernels are SIMD8
// and compile to SSE in the portable build.
#include "CKernels.h"
#include "vmath512.h"

#if defined(__x86_64__)
RK_AVX512 void rk_gelu_erf(float *x, size_t count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    const __m512 invSqrt2 = _mm512_set1_ps(0.70710678118654752f);
    for (size_t i = 0; i < count; i += 16) {
        __mmask16 m = rk_tail_mask((int)(count - i < 16 ? count - i : 16));
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 y = _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, rk_erf512(_mm512_mul_ps(v, invSqrt2))));
        _mm512_mask_storeu_ps(x + i, m, y);
    }
}

RK_AVX512 void rk_layer_norm(float *x, int rows, int cols, const float *gamma, const float *beta, float epsilon) {
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * cols;
        __m512 acc = _mm512_setzero_ps();
        for (int i = 0; i < cols; i += 16)
            acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(rk_tail_mask(cols - i), row + i));
        float mean = _mm512_reduce_add_ps(acc) / (float)cols;
        __m512 meanV = _mm512_set1_ps(mean);
        __m512 accSq = _mm512_setzero_ps();
        for (int i = 0; i < cols; i += 16) {
            __mmask16 m = rk_tail_mask(cols - i);
            __m512 d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, row + i), meanV);
            accSq = _mm512_fmadd_ps(d, d, accSq);
        }
        float rstd = 1.0f / __builtin_sqrtf(_mm512_reduce_add_ps(accSq) / (float)cols + epsilon);
        __m512 rstdV = _mm512_set1_ps(rstd);
        for (int i = 0; i < cols; i += 16) {
            __mmask16 m = rk_tail_mask(cols - i);
            __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + i), meanV), rstdV);
            __m512 y = _mm512_fmadd_ps(d, _mm512_maskz_loadu_ps(m, gamma + i), _mm512_maskz_loadu_ps(m, beta + i));
            _mm512_mask_storeu_ps(row + i, m, y);
        }
    }
}
RK_AVX512 void rk_f16_to_f32(const void *src, float *dst, size_t count) {
    const unsigned short *h = (const unsigned short *)src;
    size_t i = 0;
    for (; i + 16 <= count; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(h + i))));
    if (i < count) {
        __mmask16 m = rk_tail_mask((int)(count - i));
        // Masked 16-bit loads need AVX-512BW; copy the tail through a small buffer instead.
        unsigned short tail[16] = {0};
        for (size_t j = i; j < count; j++) tail[j - i] = h[j];
        _mm512_mask_storeu_ps(dst + i, m, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)tail)));
    }
}
#else
void rk_f16_to_f32(const void *src, float *dst, size_t count) { (void)src; (void)dst; (void)count; }
void rk_gelu_erf(float *x, size_t count) { (void)x; (void)count; }
void rk_layer_norm(float *x, int rows, int cols, const float *gamma, const float *beta, float epsilon) {
    (void)x; (void)rows; (void)cols; (void)gamma; (void)beta; (void)epsilon;
}
#endif
