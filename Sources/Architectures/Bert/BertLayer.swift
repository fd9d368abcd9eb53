import Foundation
import ModelIO
import Tensor

/// `BertLayer` (modeling_bert.py): self-attention and feed-forward, each followed by a residual
/// add and LayerNorm (post-LN). Q, K and V are fused into one [3·hidden, hidden] projection.
struct BertLayer: @unchecked Sendable {
    let qkv: LinearWeights                // attention.self.{query,key,value}: [3h, h]
    let attentionOutput: LinearWeights    // attention.output.dense: [h, h]
    let attentionLayerNorm: LayerNormWeights  // attention.output.LayerNorm
    let intermediate: LinearWeights       // intermediate.dense: [i, h]
    let output: LinearWeights             // output.dense: [h, i]
    let outputLayerNorm: LayerNormWeights // output.LayerNorm
    let activation: Activation
    let heads: Int
    let headSize: Int

    /// Binds `<prefix>` = "…encoder.layer.<n>".
    init(config: BertConfig, prefix: String, weights: WeightStore) throws {
        let h = config.hiddenSize, i = config.intermediateSize, eps = config.layerNormEps
        let projections = try ["query", "key", "value"].map {
            try LinearWeights(prefix: "\(prefix).attention.self.\($0)", inFeatures: h, outFeatures: h, weights: weights)
        }
        qkv = LinearWeights(concatenating: projections)
        attentionOutput = try LinearWeights(prefix: "\(prefix).attention.output.dense", inFeatures: h, outFeatures: h, weights: weights)
        attentionLayerNorm = try LayerNormWeights(prefix: "\(prefix).attention.output.LayerNorm", size: h, epsilon: eps, weights: weights)
        intermediate = try LinearWeights(prefix: "\(prefix).intermediate.dense", inFeatures: h, outFeatures: i, weights: weights)
        output = try LinearWeights(prefix: "\(prefix).output.dense", inFeatures: i, outFeatures: h, weights: weights)
        outputLayerNorm = try LayerNormWeights(prefix: "\(prefix).output.LayerNorm", size: h, epsilon: eps, weights: weights)
        activation = config.activation
        heads = config.numAttentionHeads
        headSize = config.headSize
    }

    /// Runs the layer in place on the packed residual stream `scratch.hidden` [T, h].
    /// `offsets`/`lengths` locate each sequence's rows; attention never crosses sequences and only
    /// sees real tokens, which is exactly HF's additive padding mask for the real positions.
    func forward(tokens: Int, offsets: [Int], lengths: [Int], scratch: BertScratch) {
        let h = heads * headSize
        let x = scratch.hidden.pointer
        let qkvRows = scratch.qkv.pointer      // [T, 3h]
        let context = scratch.context.pointer  // [T, h]
        let scores = scratch.scores.pointer    // [L, L]
        qkv.forward(x, rows: tokens, into: qkvRows)

        // softmax(Q Kᵀ / √d) V per (sequence, head), reading heads in place with row stride 3h.
        let scale = 1 / Float(headSize).squareRoot()
        for (offset, length) in zip(offsets, lengths) {
            let base = qkvRows + offset * 3 * h
            for head in 0..<heads {
                let q = base + head * headSize
                let k = base + h + head * headSize
                let v = base + 2 * h + head * headSize
                // scores [L, L] = scale · Q [L, d] · Kᵀ [d, L]
                BLAS.gemm(.none, .transposed, m: length, n: length, k: headSize, alpha: scale,
                          a: q, lda: 3 * h, b: k, ldb: 3 * h, c: scores, ldc: length)
                Kernels.softmax(scores, rows: length, cols: length, validCount: length)
                // context[offset..., head] [L, d] = P [L, L] · V [L, d]
                BLAS.gemm(.none, .none, m: length, n: headSize, k: length,
                          a: scores, lda: length, b: v, ldb: 3 * h,
                          c: context + offset * h + head * headSize, ldc: h)
            }
        }

        // x = LayerNorm(x + context Wₒᵀ + bₒ)
        attentionOutput.forwardAccumulating(context, rows: tokens, into: x)
        attentionLayerNorm.apply(x, rows: tokens)

        // x = LayerNorm(x + act(x W₁ᵀ + b₁) W₂ᵀ + b₂)
        let inner = scratch.intermediate.pointer  // [T, i]
        intermediate.forward(x, rows: tokens, into: inner)
        activation.apply(inner, count: tokens * intermediate.outFeatures)
        output.forwardAccumulating(inner, rows: tokens, into: x)
        outputLayerNorm.apply(x, rows: tokens)
    }
}
