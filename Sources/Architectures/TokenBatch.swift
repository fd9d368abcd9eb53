/// A padded batch of token ids, row-major [batchSize, sequenceLength].
///
/// Row `b` holds `lengths[b]` real tokens followed by padding; positions at or past a row's length
/// are ignored by the models (they build the attention mask from `lengths`).
public struct TokenBatch: Sendable, Equatable {
    /// Token ids, [batchSize, sequenceLength].
    public var ids: [Int32]
    /// Token-type (segment) ids, [batchSize, sequenceLength]; all zeros for single-segment input.
    public var typeIds: [Int32]
    /// Real (unpadded) length of each row, [batchSize].
    public var lengths: [Int]
    public var batchSize: Int
    public var sequenceLength: Int

    /// Creates a batch. `typeIds` defaults to zeros; `lengths` defaults to full rows.
    public init(ids: [Int32], typeIds: [Int32]? = nil, lengths: [Int]? = nil, batchSize: Int, sequenceLength: Int) {
        self.ids = ids
        self.typeIds = typeIds ?? [Int32](repeating: 0, count: ids.count)
        self.lengths = lengths ?? [Int](repeating: sequenceLength, count: batchSize)
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
    }

    /// Pads variable-length sequences (and optional type ids) with `padId` to the longest one.
    public init(sequences: [[Int32]], typeIds: [[Int32]]? = nil, padId: Int32 = 0) {
        let width = sequences.map(\.count).max() ?? 0
        var ids: [Int32] = []
        var types: [Int32] = []
        ids.reserveCapacity(sequences.count * width)
        types.reserveCapacity(sequences.count * width)
        for (row, sequence) in sequences.enumerated() {
            ids += sequence + [Int32](repeating: padId, count: width - sequence.count)
            let rowTypes = typeIds?[row] ?? [Int32](repeating: 0, count: sequence.count)
            types += rowTypes + [Int32](repeating: 0, count: width - rowTypes.count)
        }
        self.init(ids: ids, typeIds: types, lengths: sequences.map(\.count),
                  batchSize: sequences.count, sequenceLength: width)
    }

    /// The total number of real tokens (sum of `lengths`).
    public var tokenCount: Int { lengths.reduce(0, +) }

    /// Checks the batch is internally consistent and fits a model with the given limits.
    public func validate(vocabSize: Int, typeVocabSize: Int, maxPositions: Int) throws {
        let cells = batchSize * sequenceLength
        guard batchSize >= 0, sequenceLength >= 0, ids.count == cells, typeIds.count == cells,
              lengths.count == batchSize else {
            throw ArchitecturesError.invalidBatch(
                "ids \(ids.count), typeIds \(typeIds.count), lengths \(lengths.count) do not fit [\(batchSize), \(sequenceLength)]")
        }
        guard sequenceLength <= maxPositions else {
            throw ArchitecturesError.invalidBatch(
                "sequence length \(sequenceLength) exceeds max_position_embeddings \(maxPositions)")
        }
        for (row, length) in lengths.enumerated() where length < 1 || length > sequenceLength {
            throw ArchitecturesError.invalidBatch("row \(row) has length \(length), outside 1...\(sequenceLength)")
        }
        for row in 0..<batchSize {
            for position in 0..<lengths[row] {
                let index = row * sequenceLength + position
                guard ids[index] >= 0, Int(ids[index]) < vocabSize else {
                    throw ArchitecturesError.invalidBatch("token id \(ids[index]) at [\(row), \(position)] outside vocabulary of \(vocabSize)")
                }
                guard typeIds[index] >= 0, Int(typeIds[index]) < max(typeVocabSize, 1) else {
                    throw ArchitecturesError.invalidBatch("type id \(typeIds[index]) at [\(row), \(position)] outside type vocabulary of \(typeVocabSize)")
                }
            }
        }
    }
}

extension TokenBatch {
    /// Spreads packed rows (real tokens only, sequence after sequence: [tokenCount, width]) into the padded batch
    /// layout [batchSize, sequenceLength, width], zeros at padding positions.
    func unpack(_ packed: UnsafePointer<Float>, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: batchSize * sequenceLength * width)
        guard !out.isEmpty else { return out }
        var row = 0
        out.withUnsafeMutableBufferPointer { buffer in
            for b in 0..<batchSize {
                let target = buffer.baseAddress! + b * sequenceLength * width
                target.update(from: packed + row * width, count: lengths[b] * width)
                row += lengths[b]
            }
        }
        return out
    }
}
