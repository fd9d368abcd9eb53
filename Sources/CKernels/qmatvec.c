// Matrix-vector products against ggml block-quantized weights for the decode step, with the activations
// quantized to int8 blocks as llama.cpp does (its q8_1 / q8_0 "vec_dot" types), using AVX-512 VNNI vpdpbusd
// (u8 x s8 -> s32, 4 products per lane) on 512-bit registers, two 32-value blocks per instruction.
//
// ggml layouts (ggml-common.h), 32 weights per block, row = consecutive blocks:
//   Q4_0: fp16 d, 16 bytes; byte j holds q[j] (low nibble) and q[j+16] (high nibble); w = d (q - 8)
//   Q4_1: fp16 d, fp16 m, 16 bytes as Q4_0; w = d q + m
//   Q8_0: fp16 d, 32 int8 q; w = d q
// Activations: per block of 32, xd = max|x| / 127, xq = round(x / xd) in [-127, 127], xs = xd Σ xq.
//   Q4_1: Σ w x ≈ d xd Σ q xq + m xs          (q unsigned nibbles: the u8 side of vpdpbusd)
//   Q4_0: Σ w x ≈ d xd Σ q xq − 8 d xs
//   Q8_0: Σ w x ≈ d xd Σ q xq                 (signed x signed: |q| on the u8 side, sign(q)·xq on the s8 side)
#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define RK_QMV_TILE 16
#define QMV __attribute__((target("avx2,f16c,fma,avx512f,avx512bw,avx512vl,avx512vnni")))

static inline QMV float half(const unsigned char *p) {
    unsigned short h;
    __builtin_memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

QMV void rk_quantize_q8_blocks(const float *x, int n, signed char *q, float *d, float *s) {
    for (int b = 0; b < n / 32; b++) {
        __m512 v0 = _mm512_loadu_ps(x + b * 32), v1 = _mm512_loadu_ps(x + b * 32 + 16);
        float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        float scale = amax / 127.0f, inv = amax > 0 ? 127.0f / amax : 0.0f;
        __m512 iv = _mm512_set1_ps(inv);
        // Round to nearest (even): |x · inv| <= 127, so no clamping is needed.
        __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(v0, iv)), q1 = _mm512_cvtps_epi32(_mm512_mul_ps(v1, iv));
        _mm_storeu_si128((__m128i *)(q + b * 32), _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128((__m128i *)(q + b * 32 + 16), _mm512_cvtepi32_epi8(q1));
        d[b] = scale;
        s[b] = scale * (float)_mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
    }
}

static inline QMV float hsum256(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

// The 32 nibbles of a Q4 block in value order: low nibbles (values 0..15), then high nibbles (16..31).
static inline QMV __m256i nibbles(const unsigned char *qs) {
    const __m128i raw = _mm_loadu_si128((const __m128i *)qs), mask = _mm_set1_epi8(0x0F);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_and_si128(raw, mask)),
                                   _mm_and_si128(_mm_srli_epi16(raw, 4), mask), 1);
}

// The nibbles of two consecutive Q4 blocks (quants at a and b) in value order: [lo(a), hi(a), lo(b), hi(b)].
static inline QMV __m512i nibbles2(const unsigned char *a, const unsigned char *b) {
    const __m256i raw = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)a)),
                                                _mm_loadu_si128((const __m128i *)b), 1);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_and_si256(raw, mask)),
                                         _mm256_and_si256(_mm256_srli_epi16(raw, 4), mask), 1);
    return _mm512_shuffle_i64x2(z, z, _MM_SHUFFLE(3, 1, 2, 0));  // [lo a, lo b, hi a, hi b] → [lo a, hi a, lo b, hi b]
}

// 8 lanes of a, then 8 lanes of b.
static inline QMV __m512 splat2(float a, float b) {
    return _mm512_mask_blend_ps(0xFF00, _mm512_set1_ps(a), _mm512_set1_ps(b));
}

static inline QMV float hsum512(__m512 v) { return _mm512_reduce_add_ps(v); }

// One row against V vectors (V = 1 or 2: a decoded block serves both ACD branches). Two blocks per 512-bit
// step (one vpdpbusd for 64 products); an odd last block takes the 256-bit path.
static inline __attribute__((always_inline)) QMV void row_dot(
    int format, const unsigned char *row, int blocks, int V,
    const signed char *xq, const float *xd, const float *xs, int n, float *out0, float *out1)
{
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m256 tail0 = _mm256_setzero_ps(), tail1 = _mm256_setzero_ps();
    float extra0 = 0, extra1 = 0;
    const __m512i zero = _mm512_setzero_si512();
    const int pairs = blocks / 2;
    if (format == RK_Q8_0) {
        for (int p = 0; p < pairs; p++) {
            const int b = 2 * p;
            const unsigned char *blk = row + (size_t)b * 34;
            const __m512 d = splat2(half(blk), half(blk + 34));
            const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(blk + 2))),
                                                 _mm256_loadu_si256((const __m256i *)(blk + 36)), 1);
            // signed × signed on vpdpbusd: |w| on the unsigned side, x negated where w < 0 on the signed side.
            const __m512i aw = _mm512_abs_epi8(w);
            const __mmask64 negative = _mm512_movepi8_mask(w);
            __m512i x = _mm512_loadu_si512((const void *)(xq + b * 32));
            __m512i dot = _mm512_dpbusd_epi32(zero, aw, _mm512_mask_sub_epi8(x, negative, zero, x));
            acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(d, splat2(xd[b], xd[b + 1])), acc0);
            if (V == 2) {
                x = _mm512_loadu_si512((const void *)(xq + n + b * 32));
                dot = _mm512_dpbusd_epi32(zero, aw, _mm512_mask_sub_epi8(x, negative, zero, x));
                acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(d, splat2(xd[blocks + b], xd[blocks + b + 1])), acc1);
            }
        }
        if (blocks % 2) {
            const int b = blocks - 1;
            const unsigned char *blk = row + (size_t)b * 34;
            const float d = half(blk);
            const __m256i w = _mm256_loadu_si256((const __m256i *)(blk + 2));
            const __m256i aw = _mm256_sign_epi8(w, w);
            __m256i x = _mm256_loadu_si256((const __m256i *)(xq + b * 32));
            __m256i dot = _mm256_dpbusd_epi32(_mm256_setzero_si256(), aw, _mm256_sign_epi8(x, w));
            tail0 = _mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * xd[b]));
            if (V == 2) {
                x = _mm256_loadu_si256((const __m256i *)(xq + n + b * 32));
                dot = _mm256_dpbusd_epi32(_mm256_setzero_si256(), aw, _mm256_sign_epi8(x, w));
                tail1 = _mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * xd[blocks + b]));
            }
        }
    } else {
        const int q41 = format == RK_Q4_1, stride = q41 ? 20 : 18, qoff = q41 ? 4 : 2;
        for (int p = 0; p < pairs; p++) {
            const int b = 2 * p;
            const unsigned char *blk = row + (size_t)b * stride, *next = blk + stride;
            const float da = half(blk), db = half(next);
            // Q4_1 adds m Σx; Q4_0 subtracts 8 d Σx (its nibbles are q + 8).
            const float ma = q41 ? half(blk + 2) : -8.0f * da, mb = q41 ? half(next + 2) : -8.0f * db;
            const __m512 d = splat2(da, db);
            const __m512i w = nibbles2(blk + qoff, next + qoff);
            __m512i dot = _mm512_dpbusd_epi32(zero, w, _mm512_loadu_si512((const void *)(xq + b * 32)));
            acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(d, splat2(xd[b], xd[b + 1])), acc0);
            extra0 += ma * xs[b] + mb * xs[b + 1];
            if (V == 2) {
                dot = _mm512_dpbusd_epi32(zero, w, _mm512_loadu_si512((const void *)(xq + n + b * 32)));
                acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(d, splat2(xd[blocks + b], xd[blocks + b + 1])), acc1);
                extra1 += ma * xs[blocks + b] + mb * xs[blocks + b + 1];
            }
        }
        if (blocks % 2) {
            const int b = blocks - 1;
            const unsigned char *blk = row + (size_t)b * stride;
            const float d = half(blk), m = q41 ? half(blk + 2) : -8.0f * d;
            const __m256i w = nibbles(blk + qoff);
            __m256i dot = _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, _mm256_loadu_si256((const __m256i *)(xq + b * 32)));
            tail0 = _mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * xd[b]));
            extra0 += m * xs[b];
            if (V == 2) {
                dot = _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, _mm256_loadu_si256((const __m256i *)(xq + n + b * 32)));
                tail1 = _mm256_mul_ps(_mm256_cvtepi32_ps(dot), _mm256_set1_ps(d * xd[blocks + b]));
                extra1 += m * xs[blocks + b];
            }
        }
    }
    *out0 = hsum512(acc0) + hsum256(tail0) + extra0;
    if (V == 2) *out1 = hsum512(acc1) + hsum256(tail1) + extra1;
}

QMV void rk_qmatvec(int format, const void *w, size_t row_bytes, int n, int row_begin, int row_end,
                    const signed char *xq, const float *xd, const float *xs, int vectors, float *y, int ldy) {
    const int blocks = n / 32;
    // Rows in tiles of RK_QMV_TILE (≤ 16 KB of Q4 weights at n = 1536) so that a prefill's many vectors re-read
    // them from L1/L2 instead of memory; decode (1-2 vectors) reads each row once either way.
    for (int t = row_begin; t < row_end; t += RK_QMV_TILE) {
        const int tile_end = t + RK_QMV_TILE < row_end ? t + RK_QMV_TILE : row_end;
        for (int v = 0; v < vectors; v += 2) {
            const int pair = vectors - v >= 2;
            const signed char *q = xq + (size_t)v * n;
            const float *d = xd + (size_t)v * blocks, *s = xs + (size_t)v * blocks;
            float *y0 = y + (size_t)v * ldy, *y1 = y0 + ldy;
            for (int r = t; r < tile_end; r++) {
                const unsigned char *row = (const unsigned char *)w + (size_t)r * row_bytes;
                if (pair) row_dot(format, row, blocks, 2, q, d, s, n, y0 + r, y1 + r);
                else row_dot(format, row, blocks, 1, q, d, s, n, y0 + r, y0 + r);
            }
        }
    }
}
#else
void rk_quantize_q8_blocks(const float *x, int n, signed char *q, float *d, float *s) {
    (void)x; (void)n; (void)q; (void)d; (void)s;
}
void rk_qmatvec(int format, const void *w, size_t row_bytes, int n, int row_begin, int row_end,
                const signed char *xq, const float *xd, const float *xs, int vectors, float *y, int ldy) {
    (void)format; (void)w; (void)row_bytes; (void)n; (void)row_begin; (void)row_end; (void)xq; (void)xd; (void)xs;
    (void)vectors; (void)y; (void)ldy;
}
#endif
