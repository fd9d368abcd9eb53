import Foundation
import ModelIO
import Tensor

/// Hidden states of a DeBERTa-v2 forward pass, padded back to the batch layout.
public struct DebertaV2ModelOutput: Sendable {
    /// [batchSize, sequenceLength, hidden]; padding positions are zero.
    public var lastHiddenState: [Float]
    /// When collected: the embedding output then each layer's output (numHiddenLayers + 1 entries,
    /// as HF's `hidden_states`), each [batchSize, sequenceLength, hidden], padding zero.
    public var hiddenStates: [[Float]]
}

/// `DebertaV2Model` (modeling_deberta_v2.py): embeddings and the disentangled-attention encoder;
/// the backbone of `DebertaV2ForSequenceClassification`.
///
/// Not thread-safe: it owns scratch memory reused by every call. One owner thread at a time.
public final class DebertaV2Model: @unchecked Sendable {
    public let config: DebertaV2Config
    let embeddings: DebertaV2Embeddings
    let encoder: DebertaV2Encoder
    let scratch = DebertaV2Scratch()

    /// Binds the backbone from `weights`; `prefix` is "deberta." in task-head checkpoints.
    public init(config: DebertaV2Config, weights: WeightStore, prefix: String = "deberta.") throws {
        self.config = config
        try LayerCount.check(config.numHiddenLayers, field: "num_hidden_layers", configFile: config.sourcePath,
                             keys: weights.keys, prefix: "\(prefix)encoder.layer.", location: weights.location)
        embeddings = try DebertaV2Embeddings(config: config, prefix: prefix, weights: weights)
        encoder = try DebertaV2Encoder(config: config, prefix: prefix, weights: weights)
    }

    /// Runs the model on the real tokens of `batch`.
    ///
    /// Returns the packed final hidden states [tokenCount, hidden] (valid until the next call) and
    /// each sequence's first row. `observer`, if given, sees the packed states after the embeddings
    /// (stage 0) and after each layer (stage n), for parity dumps.
    func encode(
        _ batch: TokenBatch, observer: ((Int, UnsafePointer<Float>) -> Void)? = nil
    ) throws -> (hidden: UnsafePointer<Float>, offsets: [Int]) {
        // Without a token-type table (all v3 models) type ids are ignored, as HF does: DeBERTa-v3
        // tokenizers still emit segment 1 for the second text of a pair.
        try batch.validate(vocabSize: config.vocabSize,
                           typeVocabSize: config.typeVocabSize > 0 ? config.typeVocabSize : Int(Int32.max),
                           maxPositions: config.maxPositionEmbeddings)
        var offsets: [Int] = []
        offsets.reserveCapacity(batch.batchSize)
        var tokens = 0
        for length in batch.lengths { offsets.append(tokens); tokens += length }
        scratch.reserve(tokens: tokens, maxLength: batch.lengths.max() ?? 0, config: config)

        embeddings.forward(batch, offsets: offsets, scratch: scratch)
        observer?(0, scratch.hidden.pointer)
        encoder.forward(tokens: tokens, offsets: offsets, lengths: batch.lengths, scratch: scratch, observer: observer)
        return (UnsafePointer(scratch.hidden.pointer), offsets)
    }

    /// Hidden states in the padded batch layout (see `DebertaV2ModelOutput`).
    public func forward(_ batch: TokenBatch, collectHiddenStates: Bool = false) throws -> DebertaV2ModelOutput {
        var collected: [[Float]] = []
        let h = config.hiddenSize
        func unpack(_ packed: UnsafePointer<Float>) -> [Float] { batch.unpack(packed, width: h) }
        let result = try encode(
            batch, observer: collectHiddenStates ? { _, packed in collected.append(unpack(packed)) } : nil)
        return DebertaV2ModelOutput(lastHiddenState: unpack(result.hidden), hiddenStates: collected)
    }
}
