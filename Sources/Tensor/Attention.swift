import CKernels

/// Scaled dot-product self-attention of one unpadded sequence, reading Q, K and V in place from a
/// fused projection: softmax(scale · Q_h K_hᵀ) V_h for each head h.
///
/// With AVX-512 the fused CKernels `rk_attention` runs (the [L, L] scores never leave a [4, L]
/// block); elsewhere two OpenBLAS GEMMs and the Swift softmax per head.
public enum Attention {
    /// Floats of `work` one `forward` call needs for sequences up to `length` tokens.
    public static func workCount(length: Int, headSize: Int) -> Int {
        max(length * length, rk_attention_work_count(Int32(length), Int32(headSize)))
    }

    /// Writes context [length, heads·headSize] (row stride `ldc`) for heads in `headRange`.
    ///
    /// qkv [length, 3·heads·headSize]: each row is Q | K | V with heads contiguous in each part.
    /// `work` holds `workCount(length:headSize:)` floats, private to this call.
    public static func forward(
        qkv: UnsafePointer<Float>, length: Int, heads: Int, headSize: Int, scale: Float,
        context: UnsafeMutablePointer<Float>, ldc: Int, work: UnsafeMutablePointer<Float>,
        headRange: Range<Int>? = nil
    ) {
        let range = headRange ?? 0..<heads
        if CPUFeatures.hasAVX512 {
            rk_attention(qkv, Int32(length), Int32(heads), Int32(headSize), scale, context, Int32(ldc), work,
                         Int32(range.lowerBound), Int32(range.upperBound))
        } else {
            forwardPortable(qkv: qkv, length: length, heads: heads, headSize: headSize, scale: scale,
                            context: context, ldc: ldc, work: work, headRange: range)
        }
    }

    /// Floats of `work` one `forwardFirstQuery` call needs for sequences up to `length` tokens.
    public static func firstQueryWorkCount(length: Int) -> Int { max(length, 1) }

    /// Attention of the sequence's *first* query row only, over all `length` keys and values:
    /// context [heads·headSize] = softmax(scale · q₀,h K_hᵀ) V_h per head. What a classifier that reads
    /// only the first ([CLS]) token needs from its last layer. `work` holds `firstQueryWorkCount` floats.
    public static func forwardFirstQuery(
        qkv: UnsafePointer<Float>, length: Int, heads: Int, headSize: Int, scale: Float,
        context: UnsafeMutablePointer<Float>, work: UnsafeMutablePointer<Float>
    ) {
        let h = heads * headSize
        for head in 0..<heads {
            let q = qkv + head * headSize, k = qkv + h + head * headSize, v = qkv + 2 * h + head * headSize
            // scores [1, L] = scale · q₀ [1, d] · Kᵀ [d, L]
            BLAS.gemm(.none, .transposed, m: 1, n: length, k: headSize, alpha: scale,
                      a: q, lda: 3 * h, b: k, ldb: 3 * h, c: work, ldc: length)
            Kernels.softmax(work, rows: 1, cols: length, validCount: length)
            // context[head] [1, d] = P [1, L] · V [L, d]
            BLAS.gemm(.none, .none, m: 1, n: headSize, k: length,
                      a: work, lda: length, b: v, ldb: 3 * h, c: context + head * headSize, ldc: h)
        }
    }

    /// The BLAS + Swift softmax path (any CPU).
    static func forwardPortable(
        qkv: UnsafePointer<Float>, length: Int, heads: Int, headSize: Int, scale: Float,
        context: UnsafeMutablePointer<Float>, ldc: Int, work: UnsafeMutablePointer<Float>,
        headRange: Range<Int>
    ) {
        let h = heads * headSize
        for head in headRange {
            let q = qkv + head * headSize, k = qkv + h + head * headSize, v = qkv + 2 * h + head * headSize
            // scores [L, L] = scale · Q [L, d] · Kᵀ [d, L]
            BLAS.gemm(.none, .transposed, m: length, n: length, k: headSize, alpha: scale,
                      a: q, lda: 3 * h, b: k, ldb: 3 * h, c: work, ldc: length)
            Kernels.softmax(work, rows: length, cols: length, validCount: length)
            // context[:, head] [L, d] = P [L, L] · V [L, d]
            BLAS.gemm(.none, .none, m: length, n: headSize, k: length,
                      a: work, lda: length, b: v, ldb: 3 * h, c: context + head * headSize, ldc: ldc)
        }
    }
}
