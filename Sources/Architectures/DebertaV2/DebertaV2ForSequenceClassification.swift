import Foundation
import ModelIO
import Tensor

/// `DebertaV2ForSequenceClassification` (modeling_deberta_v2.py): DeBERTa-v2/v3 backbone, context
/// pooler on the first token and a linear classifier. Checkpoint keys: `deberta.*`, `pooler.dense.*`,
/// `classifier.*`. Registered for model_type "deberta-v2" (DeBERTa-v3 and mDeBERTa-v3 included).
///
/// Not thread-safe (scratch memory is reused); one owner thread calls `classify` at a time.
public final class DebertaV2ForSequenceClassification: LoadableClassifier, @unchecked Sendable {
    /// The backbone.
    public let deberta: DebertaV2Model
    let pooler: ContextPooler
    let classifier: LinearWeights  // classifier: [numLabels, h]
    /// [batch, hidden] first-token states, then pooled outputs.
    private let pooled = ScratchBuffer()

    public let numLabels: Int
    public let labels: [String]
    public var maxPositions: Int { deberta.config.maxPositionEmbeddings }

    public init(config: DebertaV2Config, weights: WeightStore) throws {
        let head = try ClassifierLabels(configLabels: config.labels, configPath: config.sourcePath, weights: weights,
                                        bareModelName: "DebertaV2Model")
        numLabels = head.count
        labels = head.names
        deberta = try DebertaV2Model(config: config, weights: weights)
        pooler = try ContextPooler(config: config, weights: weights)
        classifier = try LinearWeights(prefix: "classifier", inFeatures: config.hiddenSize, outFeatures: numLabels, weights: weights)
    }

    public static func load(config: ModelConfig, weights: WeightStore, options: EngineOptions) throws -> Self {
        try Self(config: DebertaV2Config(config), weights: weights)
    }

    /// Logits, row-major [batchSize, numLabels].
    public func classify(_ batch: TokenBatch) throws -> [Float] {
        let h = deberta.config.hiddenSize
        let encoded = try deberta.encode(batch)
        let rows = batch.batchSize
        guard rows > 0 else { return [] }
        let buffer = pooled.reserve(2 * rows * h)
        let first = buffer                 // [B, h]: each sequence's first token ([CLS])
        let pooledOut = buffer + rows * h  // [B, h]
        for b in 0..<rows { (first + b * h).update(from: encoded.hidden + encoded.offsets[b] * h, count: h) }
        pooler.forward(first, rows: rows, into: pooledOut)
        var logits = [Float](repeating: 0, count: rows * numLabels)
        logits.withUnsafeMutableBufferPointer { out in
            classifier.forward(pooledOut, rows: rows, into: out.baseAddress!)
        }
        return logits
    }
}
