import ModelIO
import Tensor

/// `ContextPooler` (modeling_deberta_v2.py): the first token's hidden state through a dense layer
/// and `pooler_hidden_act` (default exact GELU, unlike BERT's tanh pooler).
struct ContextPooler: @unchecked Sendable {
    let dense: LinearWeights  // pooler.dense: [h, h]
    let activation: DebertaV2Config.HeadActivation

    /// Binds `pooler.dense.*`.
    init(config: DebertaV2Config, weights: WeightStore) throws {
        let h = config.hiddenSize
        dense = try LinearWeights(prefix: "pooler.dense", inFeatures: h, outFeatures: h, weights: weights)
        activation = config.poolerActivation
    }

    /// out [rows, h] = act(first [rows, h] · Wᵀ + b).
    func forward(_ first: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        dense.forward(first, rows: rows, into: out)
        activation.apply(out, count: rows * dense.outFeatures)
    }
}
