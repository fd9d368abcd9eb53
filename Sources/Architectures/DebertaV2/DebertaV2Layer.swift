import ModelIO
import Tensor

/// `DebertaV2Layer` (modeling_deberta_v2.py): disentangled self-attention, then
/// `DebertaV2SelfOutput` (dense, residual, LayerNorm), `DebertaV2Intermediate` (dense, activation)
/// and `DebertaV2Output` (dense, residual, LayerNorm): post-LN like BERT.
struct DebertaV2Layer: @unchecked Sendable {
    let attention: DisentangledSelfAttention   // attention.self.*
    let attentionOutput: LinearWeights         // attention.output.dense: [h, h]
    let attentionLayerNorm: LayerNormWeights   // attention.output.LayerNorm
    let intermediate: LinearWeights            // intermediate.dense: [i, h]
    let output: LinearWeights                  // output.dense: [h, i]
    let outputLayerNorm: LayerNormWeights      // output.LayerNorm
    let activation: Activation

    /// Binds `<prefix>` = "deberta.encoder.layer.<n>".
    init(config: DebertaV2Config, prefix: String, relativeEmbeddings: Tensor?, weights: WeightStore) throws {
        let h = config.hiddenSize, i = config.intermediateSize, eps = config.layerNormEps
        attention = try DisentangledSelfAttention(
            config: config, prefix: "\(prefix).attention.self", relativeEmbeddings: relativeEmbeddings, weights: weights)
        attentionOutput = try LinearWeights(prefix: "\(prefix).attention.output.dense", inFeatures: h, outFeatures: h, weights: weights)
        attentionLayerNorm = try LayerNormWeights(prefix: "\(prefix).attention.output.LayerNorm", size: h, epsilon: eps, weights: weights)
        intermediate = try LinearWeights(prefix: "\(prefix).intermediate.dense", inFeatures: h, outFeatures: i, weights: weights)
        output = try LinearWeights(prefix: "\(prefix).output.dense", inFeatures: i, outFeatures: h, weights: weights)
        outputLayerNorm = try LayerNormWeights(prefix: "\(prefix).output.LayerNorm", size: h, epsilon: eps, weights: weights)
        activation = config.activation
    }

    /// Runs the layer in place on the packed residual stream `scratch.hidden` [T, h].
    func forward(tokens: Int, offsets: [Int], lengths: [Int], positions: RelativePositions?,
                 scratch: DebertaV2Scratch) {
        let x = scratch.hidden.pointer
        attention.forward(tokens: tokens, offsets: offsets, lengths: lengths, positions: positions, scratch: scratch)

        // x = LayerNorm(x + context Wₒᵀ + bₒ)
        attentionOutput.forwardAccumulating(scratch.context.pointer, rows: tokens, into: x)
        attentionLayerNorm.apply(x, rows: tokens)

        // x = LayerNorm(x + act(x W₁ᵀ + b₁) W₂ᵀ + b₂)
        let inner = scratch.intermediate.pointer  // [T, i]
        intermediate.forward(x, rows: tokens, into: inner)
        activation.apply(inner, count: tokens * intermediate.outFeatures)
        output.forwardAccumulating(inner, rows: tokens, into: x)
        outputLayerNorm.apply(x, rows: tokens)
    }
}
