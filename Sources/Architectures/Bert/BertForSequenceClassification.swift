import Foundation
import ModelIO
import Tensor

/// `BertForSequenceClassification` (modeling_bert.py): BERT encoder, pooler (dense + tanh on the
/// first token) and a linear classifier. Keys: `bert.*`, `classifier.*`; a checkpoint saved with
/// bare encoder keys (`embeddings.*`, `pooler.*`) plus `classifier.*` is accepted too.
///
/// Not thread-safe (scratch memory is reused); one owner thread calls `classify` at a time.
public final class BertForSequenceClassification: LoadableClassifier, @unchecked Sendable {
    /// The encoder.
    public let bert: BertModel
    let pooler: LinearWeights      // <prefix>pooler.dense: [h, h]
    let classifier: LinearWeights  // classifier: [numLabels, h]
    /// [batch, hidden] first-token states, then pooled outputs.
    private let pooled = ScratchBuffer()

    public let numLabels: Int
    public let labels: [String]
    public var maxPositions: Int { bert.config.maxPositionEmbeddings }

    public init(config: BertConfig, weights: WeightStore, options: EngineOptions = EngineOptions()) throws {
        let prefix = BertModel.checkpointPrefix(in: weights)
        let head = try ClassifierLabels(configLabels: config.labels, configPath: config.sourcePath, weights: weights,
                                        bareModelName: "BertModel")
        numLabels = head.count
        labels = head.names
        bert = try BertModel(config: config, weights: weights, prefix: prefix, options: options)
        let h = config.hiddenSize
        pooler = try LinearWeights(prefix: "\(prefix)pooler.dense", inFeatures: h, outFeatures: h, weights: weights)
        classifier = try LinearWeights(prefix: "classifier", inFeatures: h, outFeatures: numLabels, weights: weights)
    }

    public static func load(config: ModelConfig, weights: WeightStore, options: EngineOptions) throws -> Self {
        try Self(config: BertConfig(config), weights: weights, options: options)
    }

    /// Logits, row-major [batchSize, numLabels].
    public func classify(_ batch: TokenBatch) throws -> [Float] {
        let h = bert.config.hiddenSize
        // The pooler reads only [CLS]: the last layer runs for the first token of each sequence.
        let encoded = try bert.encode(batch, firstTokensOnly: true)
        let rows = batch.batchSize
        guard rows > 0 else { return [] }
        let buffer = pooled.reserve(2 * rows * h)
        let first = buffer            // [B, h]: hidden state of each sequence's first ([CLS]) token
        let pooledOut = buffer + rows * h  // [B, h]
        for b in 0..<rows { (first + b * h).update(from: encoded.hidden + encoded.offsets[b] * h, count: h) }
        // BertPooler: tanh(dense(h_[CLS])).
        pooler.forward(first, rows: rows, into: pooledOut)
        Kernels.tanh(pooledOut, count: rows * h)
        var logits = [Float](repeating: 0, count: rows * numLabels)
        logits.withUnsafeMutableBufferPointer { out in
            classifier.forward(pooledOut, rows: rows, into: out.baseAddress!)
        }
        return logits
    }
}
