import ModelIO
import Tensor

/// `BertEmbeddings` (modeling_bert.py): word + absolute position + token-type embeddings, then
/// LayerNorm. Dropout is inference-time identity.
struct BertEmbeddings: @unchecked Sendable {
    let wordEmbeddings: RowTable    // [vocab, hidden]; fp16 checkpoints stay fp16 (RowTable)
    let positionEmbeddings: Tensor  // [maxPositions, hidden]
    let tokenTypeEmbeddings: Tensor?  // [typeVocab, hidden]; nil when type_vocab_size is 0
    let layerNorm: LayerNormWeights
    let hiddenSize: Int

    /// Binds `<prefix>embeddings.*`.
    init(config: BertConfig, prefix: String, weights: WeightStore) throws {
        let h = config.hiddenSize
        wordEmbeddings = try weights.rowTable("\(prefix)embeddings.word_embeddings.weight", shape: [config.vocabSize, h])
        positionEmbeddings = try weights.tensor(
            "\(prefix)embeddings.position_embeddings.weight", shape: [config.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = config.typeVocabSize > 0
            ? try weights.tensor("\(prefix)embeddings.token_type_embeddings.weight", shape: [config.typeVocabSize, h])
            : nil
        layerNorm = try LayerNormWeights(
            prefix: "\(prefix)embeddings.LayerNorm", size: h, epsilon: config.layerNormEps, weights: weights)
        hiddenSize = h
    }

    /// Writes the embeddings of the real tokens of `batch` into out [tokenCount, hidden], packed
    /// (sequence b's tokens start at row `offsets[b]`; padding is skipped).
    func forward(_ batch: TokenBatch, offsets: [Int], into out: UnsafeMutablePointer<Float>) {
        let h = hiddenSize
        for b in 0..<batch.batchSize {
            for position in 0..<batch.lengths[b] {
                let cell = b * batch.sequenceLength + position
                let row = out + (offsets[b] + position) * h
                wordEmbeddings.copyRow(Int(batch.ids[cell]), into: row)
                // BERT positions are absolute and start at 0 for every sequence.
                Kernels.add(row, positionEmbeddings.pointer + position * h, count: h)
                if let types = tokenTypeEmbeddings {
                    Kernels.add(row, types.pointer + Int(batch.typeIds[cell]) * h, count: h)
                }
            }
        }
        layerNorm.apply(out, rows: batch.tokenCount)
    }
}
