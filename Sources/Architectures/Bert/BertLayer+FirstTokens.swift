import Tensor

extension BertLayer {
    /// The layer's output for the first token of each sequence only: all that a classifier reading
    /// [CLS] (BertPooler) needs from the last layer. Keys and values still come from every token
    /// (the fused QKV projection runs on all T rows), but the attention query, the output projection,
    /// both LayerNorms and the feed-forward run on one row per sequence, which removes about three
    /// quarters of the layer's GEMM work. The math per row is `forward`'s.
    ///
    /// Reads the packed residual stream `scratch.hidden` [T, h] (left as it was after the QKV input) and
    /// returns the first tokens' outputs, [B, h] in `scratch.firstTokens` (valid until the next call).
    func forwardFirstTokens(
        tokens: Int, offsets: [Int], lengths: [Int], scratch: BertScratch, threads: Int
    ) -> UnsafeMutablePointer<Float> {
        let h = heads * headSize
        let batch = offsets.count
        let x = scratch.hidden.pointer
        let qkvRows = scratch.qkv.pointer  // [T, 3h]
        let quantScratch = scratch.quantizedActivations.pointer
        qkv.forward(x, rows: tokens, into: qkvRows, threads: threads, scratch: quantScratch)

        let residual = scratch.firstTokens.pointer  // [B, h]: each sequence's first row of x
        let context = residual + batch * h           // [B, h]
        let scale = 1 / Float(headSize).squareRoot()
        let work = scratch.attentionWork.pointer     // ≥ maxLength floats (a [L, L] slice is reserved)
        for b in 0..<batch {
            (residual + b * h).update(from: x + offsets[b] * h, count: h)
            Attention.forwardFirstQuery(qkv: qkvRows + offsets[b] * 3 * h, length: lengths[b], heads: heads,
                                        headSize: headSize, scale: scale, context: context + b * h, work: work)
        }

        // x₀ = LayerNorm(x₀ + context₀ Wₒᵀ + bₒ), then x₀ = LayerNorm(x₀ + act(x₀ W₁ᵀ + b₁) W₂ᵀ + b₂)
        attentionOutput.forwardAccumulating(context, rows: batch, into: residual, threads: threads, scratch: quantScratch)
        attentionLayerNorm.apply(residual, rows: batch)
        let inner = scratch.intermediate.pointer  // [B, i] (reserved for at least B rows)
        intermediate.forward(residual, rows: batch, into: inner, threads: threads, scratch: quantScratch)
        activation.apply(inner, count: batch * intermediate.outFeatures)
        output.forwardAccumulating(inner, rows: batch, into: residual, threads: threads, scratch: quantScratch)
        outputLayerNorm.apply(residual, rows: batch)
        return residual
    }
}
