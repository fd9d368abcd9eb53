/// A model that maps a batch of token sequences to classification logits.
///
/// Implementations keep preallocated scratch memory and are not thread-safe: one owner (the
/// inference worker thread) calls `classify` at a time. They are `Sendable` so that owner can be
/// handed the model across threads.
public protocol SequenceClassifier: AnyObject, Sendable {
    var numLabels: Int { get }
    /// Label names from config.json's `id2label`, in index order.
    var labels: [String] { get }
    /// `max_position_embeddings`: the longest sequence the model accepts.
    var maxPositions: Int { get }
    /// Logits, row-major [batchSize, numLabels].
    func classify(_ batch: TokenBatch) throws -> [Float]
}
