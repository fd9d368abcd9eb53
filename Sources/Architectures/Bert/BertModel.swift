import Foundation
import ModelIO
import Tensor

/// Hidden states of a BERT forward pass, padded back to the batch layout.
public struct BertModelOutput: Sendable {
    /// [batchSize, sequenceLength, hidden]; padding positions are zero.
    public var lastHiddenState: [Float]
    /// When collected: the embedding output then each layer's output (numHiddenLayers + 1 entries,
    /// as HF's `output_hidden_states`), each [batchSize, sequenceLength, hidden], padding zero.
    public var hiddenStates: [[Float]]
}

/// `BertModel` (modeling_bert.py): embeddings and a post-LN encoder. Used directly as a sentence
/// embedder (mean pooling, as sentence-transformers' all-MiniLM-L6-v2) and as the backbone of
/// `BertForSequenceClassification`.
///
/// Not thread-safe: it owns scratch memory reused by every call. One owner thread at a time.
public final class BertModel: @unchecked Sendable {
    public let config: BertConfig
    let embeddings: BertEmbeddings
    let layers: [BertLayer]
    let scratch = BertScratch()
    /// Threads for the packed GEMMs and attention (EngineOptions.blasThreadCount).
    let threads: Int

    /// Binds the encoder from `weights`. `prefix` is "bert." for task-head checkpoints
    /// (BertFor…) and "" for bare `BertModel` checkpoints.
    public init(config: BertConfig, weights: WeightStore, prefix: String, options: EngineOptions = EngineOptions()) throws {
        self.config = config
        threads = max(1, options.blasThreadCount)
        try LayerCount.check(config.numHiddenLayers, field: "num_hidden_layers", configFile: config.sourcePath,
                             keys: weights.keys, prefix: "\(prefix)encoder.layer.", location: weights.location)
        embeddings = try BertEmbeddings(config: config, prefix: prefix, weights: weights)
        layers = try (0..<config.numHiddenLayers).map {
            try BertLayer(config: config, prefix: "\(prefix)encoder.layer.\($0)", weights: weights, precision: options.precision)
        }
    }

    /// The key prefix of the encoder in this checkpoint: "bert." or "" (bare BertModel).
    public static func checkpointPrefix(in weights: WeightStore) -> String {
        weights.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
    }

    /// Loads a BERT encoder from a model directory (either key layout) and sets OpenBLAS threads.
    public static func load(at directory: URL, options: EngineOptions = EngineOptions()) throws -> BertModel {
        let modelConfig = try ModelConfig.load(fromDirectory: directory)
        guard modelConfig.modelType == "bert" else {
            throw ArchitecturesError.unknownModelType(modelConfig.modelType, file: modelConfig.sourcePath, known: ["bert"])
        }
        BLAS.setThreadCount(options.blasThreadCount)
        let weights = try WeightStore(directory: directory, zeroCopy: options.zeroCopyWeights)
        return try BertModel(config: BertConfig(modelConfig), weights: weights, prefix: checkpointPrefix(in: weights),
                             options: options)
    }

    /// Runs the encoder on the real tokens of `batch`.
    ///
    /// Returns the packed final hidden states [tokenCount, hidden] (valid until the next call) and
    /// each sequence's first row. `observer`, if given, sees the packed states after the embeddings
    /// (stage 0) and after each layer (stage n), for parity dumps.
    ///
    /// `firstTokensOnly` (without an observer): the last layer computes only each sequence's first
    /// token (see `BertLayer.forwardFirstTokens`), and the result is [batchSize, hidden] with offsets
    /// 0, 1, 2, …: all a classifier reading [CLS] needs, for about a sixth less work in a 6-layer model.
    func encode(
        _ batch: TokenBatch, firstTokensOnly: Bool = false, observer: ((Int, UnsafePointer<Float>) -> Void)? = nil
    ) throws -> (hidden: UnsafePointer<Float>, offsets: [Int]) {
        try batch.validate(vocabSize: config.vocabSize, typeVocabSize: config.typeVocabSize,
                           maxPositions: config.maxPositionEmbeddings)
        var offsets: [Int] = []
        offsets.reserveCapacity(batch.batchSize)
        var tokens = 0
        for length in batch.lengths { offsets.append(tokens); tokens += length }
        scratch.reserve(tokens: tokens, sequences: batch.batchSize, maxLength: batch.lengths.max() ?? 0,
                        hiddenSize: config.hiddenSize, intermediateSize: config.intermediateSize,
                        headSize: config.headSize, threads: threads,
                        quantizedCount: layers.first?.quantizedScratchCount(tokens: tokens) ?? 0)

        embeddings.forward(batch, offsets: offsets, into: scratch.hidden.pointer)
        observer?(0, scratch.hidden.pointer)
        for (index, layer) in layers.enumerated() {
            if firstTokensOnly, observer == nil, index == layers.count - 1 {
                let first = layer.forwardFirstTokens(tokens: tokens, offsets: offsets, lengths: batch.lengths,
                                                     scratch: scratch, threads: threads)
                return (UnsafePointer(first), Array(0..<batch.batchSize))
            }
            layer.forward(tokens: tokens, offsets: offsets, lengths: batch.lengths, scratch: scratch, threads: threads)
            observer?(index + 1, scratch.hidden.pointer)
        }
        return (UnsafePointer(scratch.hidden.pointer), offsets)
    }

    /// Hidden states in the padded batch layout (see `BertModelOutput`).
    public func forward(_ batch: TokenBatch, collectHiddenStates: Bool = false) throws -> BertModelOutput {
        var collected: [[Float]] = []
        let h = config.hiddenSize
        func unpack(_ packed: UnsafePointer<Float>) -> [Float] { batch.unpack(packed, width: h) }
        let result = try encode(batch, observer: collectHiddenStates ? { _, packed in collected.append(unpack(packed)) } : nil)
        return BertModelOutput(lastHiddenState: unpack(result.hidden), hiddenStates: collected)
    }

    /// Sentence embeddings: the mean of each sequence's final hidden states over its real tokens
    /// (sentence-transformers `Pooling(mode_mean_tokens)`), [batchSize, hidden]. Not normalised.
    public func meanPooledEmbeddings(_ batch: TokenBatch) throws -> [Float] {
        let h = config.hiddenSize
        let result = try encode(batch)
        var out = [Float](repeating: 0, count: batch.batchSize * h)
        guard !out.isEmpty else { return out }
        out.withUnsafeMutableBufferPointer { buffer in
            for b in 0..<batch.batchSize {
                Kernels.meanPool(result.hidden + result.offsets[b] * h, rows: batch.lengths[b], cols: h,
                                 validCount: batch.lengths[b], into: buffer.baseAddress! + b * h)
            }
        }
        return out
    }
}
