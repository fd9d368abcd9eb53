// Fused self-attention for one sequence, one head at a time, staying in L1/L2: the [L, L] score
// matrix never exists; a block of 8 query rows' scores ([8, L]) is computed, soft-maxed and
// multiplied by V before the next block. K is transposed per head into [d, L] so the scores of a
// query row are FMAs over 16 key positions at once.
#include "CKernels.h"
#include "vmath512.h"

#define QB 8  // query rows per block (shares each K and V load across 8 rows)

static int padded(int length) { return (length + 15) & ~15; }

size_t rk_attention_work_count(int length, int head_size) {
    // Kt [d, Lp] + scores [QB, Lp]
    return (size_t)padded(length) * (size_t)(head_size + QB);
}

#if defined(__x86_64__)
// Masked softmax of one row of `length` valid scores (stride padded), in place.
RK_INLINE RK_AVX512 void softmax_row(float *s, int length) {
    __m512 mx = _mm512_set1_ps(-__builtin_inff());
    for (int j = 0; j < length; j += 16)
        mx = _mm512_mask_max_ps(mx, rk_tail_mask(length - j), mx, _mm512_loadu_ps(s + j));
    __m512 rowMax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
    __m512 sum = _mm512_setzero_ps();
    for (int j = 0; j < length; j += 16) {
        __mmask16 m = rk_tail_mask(length - j);
        __m512 e = _mm512_maskz_mov_ps(m, rk_exp512(_mm512_sub_ps(_mm512_loadu_ps(s + j), rowMax)));
        _mm512_storeu_ps(s + j, e);  // lanes past length become 0 (padding of the row)
        sum = _mm512_add_ps(sum, e);
    }
    __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int j = 0; j < length; j += 16) _mm512_storeu_ps(s + j, _mm512_mul_ps(_mm512_loadu_ps(s + j), inv));
}

// Scores, softmax and P·V for `rows` (<= QB, a constant after inlining) query rows starting at q.
RK_INLINE RK_AVX512 void query_block(const int rows, const float *q, const float *v, const float *kt, float *scores,
                                     int length, int lp, int stride, int head_size, float scale, float *out, int ldc) {
    // scores [rows, L] = scale · Q[rows, :] · Kt
    for (int j = 0; j < lp; j += 16) {
        __m512 acc[QB];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r] = _mm512_setzero_ps();
        for (int dd = 0; dd < head_size; dd++) {
            __m512 kv = _mm512_loadu_ps(kt + (size_t)dd * lp + j);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(q[(size_t)r * stride + dd]), kv, acc[r]);
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++)
            _mm512_storeu_ps(scores + (size_t)r * lp + j, _mm512_mul_ps(acc[r], _mm512_set1_ps(scale)));
    }
    for (int r = 0; r < rows; r++) softmax_row(scores + (size_t)r * lp, length);
    // out[r, :] = P[r, :] · V   (d in chunks of 16 lanes)
    for (int d0 = 0; d0 < head_size; d0 += 16) {
        __mmask16 m = rk_tail_mask(head_size - d0);
        __m512 acc[QB];
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) acc[r] = _mm512_setzero_ps();
        for (int j = 0; j < length; j++) {
            __m512 vv = _mm512_maskz_loadu_ps(m, v + (size_t)j * stride + d0);
#pragma clang loop unroll(full)
            for (int r = 0; r < rows; r++)
                acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(scores[(size_t)r * lp + j]), vv, acc[r]);
        }
#pragma clang loop unroll(full)
        for (int r = 0; r < rows; r++) _mm512_mask_storeu_ps(out + (size_t)r * ldc + d0, m, acc[r]);
    }
}

RK_AVX512 void rk_attention(const float *qkv, int length, int heads, int head_size, float scale,
                            float *context, int ldc, float *work, int head_begin, int head_end) {
    if (length <= 0) return;
    const int hidden = heads * head_size, stride = 3 * hidden, lp = padded(length);
    float *kt = work;                              // [d, Lp]
    float *scores = work + (size_t)head_size * lp; // [QB, Lp]
    for (int head = head_begin; head < head_end && head < heads; head++) {
        const float *q = qkv + head * head_size;
        const float *k = qkv + hidden + head * head_size;
        const float *v = qkv + 2 * hidden + head * head_size;
        // Kt[dd][j] = K[j][dd]; padded columns zero so score lanes past L stay finite.
        for (int dd = 0; dd < head_size; dd++) {
            float *dst = kt + (size_t)dd * lp;
            for (int j = 0; j < length; j++) dst[j] = k[(size_t)j * stride + dd];
            for (int j = length; j < lp; j++) dst[j] = 0;
        }
        int i0 = 0;
        for (; i0 + QB <= length; i0 += QB)
            query_block(QB, q + (size_t)i0 * stride, v, kt, scores, length, lp, stride, head_size, scale,
                        context + (size_t)i0 * ldc + head * head_size, ldc);
        switch (length - i0) {  // the last, partial block with a compile-time row count
#define TAIL(R) case R: query_block(R, q + (size_t)i0 * stride, v, kt, scores, length, lp, stride, head_size, scale, \
                                    context + (size_t)i0 * ldc + head * head_size, ldc); break;
            TAIL(1) TAIL(2) TAIL(3) TAIL(4) TAIL(5) TAIL(6) TAIL(7)
#undef TAIL
            default: break;
        }
    }
}
#else
void rk_attention(const float *qkv, int length, int heads, int head_size, float scale,
                  float *context, int ldc, float *work, int head_begin, int head_end) {
    (void)head_begin; (void)head_end; (void)qkv; (void)length; (void)heads; (void)head_size; (void)scale; (void)context; (void)ldc; (void)work;
}
#endif
