import ModelIO
import Tensor

/// `DebertaV2Embeddings` (modeling_deberta_v2.py): word embeddings, plus absolute position
/// embeddings when `position_biased_input` (v2; v3 has none), plus token-type embeddings when
/// `type_vocab_size` > 0, then `embed_proj` when `embedding_size` != `hidden_size`, then LayerNorm.
/// HF then multiplies by the attention mask; packed rows hold only real tokens, so that is a no-op.
struct DebertaV2Embeddings: @unchecked Sendable {
    let wordEmbeddings: RowTable       // word_embeddings.weight: [vocab, E]; fp16 stays fp16
    let positionEmbeddings: Tensor?    // position_embeddings.weight: [maxPositions, E]
    let tokenTypeEmbeddings: Tensor?   // token_type_embeddings.weight: [typeVocab, E]
    let projection: Tensor?            // embed_proj.weight: [hidden, E], no bias
    let layerNorm: LayerNormWeights    // LayerNorm: [hidden]
    let embeddingSize: Int
    let hiddenSize: Int

    /// Binds `<prefix>embeddings.*` (prefix "deberta.").
    init(config: DebertaV2Config, prefix: String, weights: WeightStore) throws {
        let e = config.embeddingSize, h = config.hiddenSize
        let base = "\(prefix)embeddings"
        wordEmbeddings = try weights.rowTable("\(base).word_embeddings.weight", shape: [config.vocabSize, e])
        positionEmbeddings = config.isPositionBiasedInput
            ? try weights.tensor("\(base).position_embeddings.weight", shape: [config.maxPositionEmbeddings, e])
            : nil
        tokenTypeEmbeddings = config.typeVocabSize > 0
            ? try weights.tensor("\(base).token_type_embeddings.weight", shape: [config.typeVocabSize, e])
            : nil
        projection = e != h ? try weights.tensor("\(base).embed_proj.weight", shape: [h, e]) : nil
        layerNorm = try LayerNormWeights(prefix: "\(base).LayerNorm", size: h, epsilon: config.layerNormEps, weights: weights)
        embeddingSize = e
        hiddenSize = h
    }

    /// Writes the embeddings of the real tokens of `batch` into `scratch.hidden` [T, hidden],
    /// packed (sequence b's tokens start at row `offsets[b]`).
    func forward(_ batch: TokenBatch, offsets: [Int], scratch: DebertaV2Scratch) {
        let e = embeddingSize
        // Sum the tables at width E, directly into the residual stream when no projection follows.
        let sums = projection == nil ? scratch.hidden.pointer : scratch.embeddings.pointer  // [T, E]
        for b in 0..<batch.batchSize {
            for position in 0..<batch.lengths[b] {
                let cell = b * batch.sequenceLength + position
                let row = sums + (offsets[b] + position) * e
                wordEmbeddings.copyRow(Int(batch.ids[cell]), into: row)
                // Absolute positions restart at 0 in every sequence (HF's position_ids[:, :seq]).
                if let positions = positionEmbeddings {
                    Kernels.add(row, positions.pointer + position * e, count: e)
                }
                if let types = tokenTypeEmbeddings {
                    Kernels.add(row, types.pointer + Int(batch.typeIds[cell]) * e, count: e)
                }
            }
        }
        let tokens = batch.tokenCount
        if let projection {
            // hidden [T, h] = sums [T, E] · embed_projᵀ
            BLAS.linear(sums, rows: tokens, inFeatures: e, weight: projection.pointer, outFeatures: hiddenSize,
                        into: scratch.hidden.pointer)
        }
        layerNorm.apply(scratch.hidden.pointer, rows: tokens)
    }
}
