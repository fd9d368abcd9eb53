import Foundation

/// Relative positions of DeBERTa's disentangled attention, and the rows of the relative-embedding
/// table each (query, key) pair reads.
///
/// A relative position depends only on δ = query − key, so everything is tabulated once, at load,
/// for every δ in −(maxLength−1)…maxLength−1; the forward pass only indexes.
/// (modeling_deberta_v2.py: `build_relative_position`, `make_log_bucket_position`, and the clamps in
/// `disentangled_attention_bias`.)
public struct RelativePositions: Sendable, Equatable {
    /// Longest sequence the tables cover.
    public let maxLength: Int
    /// Half the number of relative-embedding rows (`att_span`).
    public let attentionSpan: Int
    /// rel(δ) at index δ + maxLength − 1 (bucketed when buckets > 0).
    private let relative: [Int32]
    /// c2p row for δ = i − j: clamp(rel(i − j) + span, 0, 2·span − 1).
    private let contentToPosition: [Int32]
    /// p2c row for δ = i − j: clamp(−rel(j − i) + span, 0, 2·span − 1).
    private let positionToContent: [Int32]

    /// Tabulates relative positions for sequences up to `maxLength`. `buckets` ≤ 0 disables log
    /// bucketing; `maxPosition` is HF's `max_relative_positions` (already resolved from −1).
    public init(maxLength: Int, buckets: Int, maxPosition: Int, attentionSpan: Int) {
        precondition(maxLength >= 1 && attentionSpan >= 1, "relative positions need a positive length and span")
        self.maxLength = maxLength
        self.attentionSpan = attentionSpan
        let deltas = (-(maxLength - 1))...(maxLength - 1)
        let relative = deltas.map { δ -> Int32 in
            Int32(buckets > 0 && maxPosition > 0
                ? Self.logBucket(δ, bucketSize: buckets, maxPosition: maxPosition) : δ)
        }
        let span = Int32(attentionSpan)
        let clamp = { (row: Int32) in min(max(row, 0), 2 * span - 1) }
        self.relative = relative
        contentToPosition = relative.map { clamp($0 + span) }
        // p2c for (i, j) gathers with rel(j − i): the table index of −δ is the mirror image.
        positionToContent = relative.reversed().map { clamp(-$0 + span) }
    }

    /// The (bucketed) relative position of query `i` to key `j` (HF's `relative_pos[i][j]`).
    @inline(__always)
    public func relativePosition(query i: Int, key j: Int) -> Int { Int(relative[i - j + maxLength - 1]) }

    /// The relative-embedding row the c2p term of (query i, key j) reads.
    @inline(__always)
    public func contentToPositionRow(query i: Int, key j: Int) -> Int {
        Int(contentToPosition[i - j + maxLength - 1])
    }

    /// The relative-embedding row the p2c term of (query i, key j) reads (from key j's projection).
    @inline(__always)
    public func positionToContentRow(query i: Int, key j: Int) -> Int {
        Int(positionToContent[i - j + maxLength - 1])
    }

    /// The rows a sequence of `length` tokens reads: the c2p and p2c ranges (inclusive). Only these
    /// columns of the content × position products are needed, which for short inputs is far fewer
    /// than 2·span.
    public func rowRanges(length: Int) -> (contentToPosition: ClosedRange<Int>, positionToContent: ClosedRange<Int>) {
        let lower = maxLength - length, upper = maxLength + length - 2  // δ from −(L−1) to L−1
        func range(_ table: [Int32]) -> ClosedRange<Int> {
            var low = Int32.max, high = Int32.min
            for index in lower...upper { low = min(low, table[index]); high = max(high, table[index]) }
            return Int(low)...Int(high)
        }
        return (range(contentToPosition), range(positionToContent))
    }

    /// scores[i, j] += c2p[i, row(i, j) − firstRow] for i, j < `length`: the c2p gather of
    /// `disentangled_attention_bias`. scores [length, length]; c2p [length, columns], column 0 being
    /// relative-embedding row `firstRow`.
    func addContentToPosition(
        _ c2p: UnsafePointer<Float>, columns: Int, firstRow: Int, length: Int,
        into scores: UnsafeMutablePointer<Float>
    ) {
        contentToPosition.withUnsafeBufferPointer { table in
            for i in 0..<length {
                let source = c2p + i * columns
                let target = scores + i * length
                let rows = table.baseAddress! + i + maxLength - 1  // rows[-j] is row(i, j)
                for j in 0..<length { target[j] += source[Int(rows[-j]) - firstRow] }
            }
        }
    }

    /// scores[i, j] += p2c[j, row(i, j) − firstRow] for i, j < `length`: the p2c gather and
    /// transpose of `disentangled_attention_bias`. p2c [length, columns] holds key content ×
    /// position queries, column 0 being relative-embedding row `firstRow`.
    func addPositionToContent(
        _ p2c: UnsafePointer<Float>, columns: Int, firstRow: Int, length: Int,
        into scores: UnsafeMutablePointer<Float>
    ) {
        positionToContent.withUnsafeBufferPointer { table in
            for i in 0..<length {
                let target = scores + i * length
                let rows = table.baseAddress! + i + maxLength - 1
                for j in 0..<length { target[j] += p2c[j * columns + Int(rows[-j]) - firstRow] }
            }
        }
    }

    /// `make_log_bucket_position` for one relative position, in float32 as PyTorch computes it:
    /// distances inside ±mid are kept, longer ones are mapped logarithmically so that
    /// `maxPosition` lands on bucket 2·mid − 1.
    static func logBucket(_ relativePosition: Int, bucketSize: Int, maxPosition: Int) -> Int {
        let mid = bucketSize / 2
        let sign = relativePosition.signum()
        let distance = relativePosition < mid && relativePosition > -mid ? mid - 1 : abs(relativePosition)
        guard distance > mid else { return relativePosition }
        // torch: ceil(log(abs/mid) / log(tensor((max_position-1)/mid)) * (mid-1)) + mid, all float32.
        let ratio = Float(Double(maxPosition - 1) / Double(mid))
        let scaled = Foundation.log(Float(distance) / Float(mid)) / Foundation.log(ratio) * Float(mid - 1)
        return sign * (Int(scaled.rounded(.up)) + mid)
    }
}
