import Tensor

/// Preallocated keys and values for a fixed number of sequences (the ACD branches), each with its own
/// length. Created by `LlamaModel.makeCache(sequences:capacity:)`; one owner at a time.
public final class KVCache: @unchecked Sendable {
    public let sequences: Int
    /// Positions each sequence can hold.
    public let capacity: Int
    let layers: Int
    let keyValueDim: Int
    /// [layers, sequences, capacity, keyValueDim]
    let keys: Tensor
    /// [layers, sequences, capacity, keyValueDim]
    let values: Tensor
    /// Tokens cached per sequence (the position of the next token).
    public private(set) var lengths: [Int]

    init(layers: Int, sequences: Int, capacity: Int, keyValueDim: Int) {
        self.layers = layers
        self.sequences = sequences
        self.capacity = capacity
        self.keyValueDim = keyValueDim
        keys = Tensor(zeros: [layers, sequences, capacity, keyValueDim])
        values = Tensor(zeros: [layers, sequences, capacity, keyValueDim])
        lengths = Array(repeating: 0, count: sequences)
    }

    /// Forgets the last tokens of `sequence`, keeping the first `length` (e.g. to re-score after a rollback).
    public func truncate(sequence: Int, to length: Int) {
        precondition(sequence < sequences && length >= 0, "bad truncate(sequence: \(sequence), to: \(length))")
        lengths[sequence] = Swift.min(lengths[sequence], length)
    }

    /// Empties every sequence.
    public func reset() { lengths = Array(repeating: 0, count: sequences) }

    func advance(sequence: Int, by count: Int) { lengths[sequence] += count }

    /// Keys of one layer and sequence: [capacity, keyValueDim].
    @inline(__always)
    func keys(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        keys.pointer + ((layer * sequences + sequence) * capacity) * keyValueDim
    }

    /// Values of one layer and sequence: [capacity, keyValueDim].
    @inline(__always)
    func values(layer: Int, sequence: Int) -> UnsafeMutablePointer<Float> {
        values.pointer + ((layer * sequences + sequence) * capacity) * keyValueDim
    }
}
