import Foundation
import Testing
@testable import Architectures

@Suite struct DebertaV2RelativePositionsTests {
    /// `build_relative_position` tables recorded from PyTorch by make_deberta_fixtures.py.
    struct Case: Decodable {
        var length: Int
        var buckets: Int
        var max_position: Int
        var first_row: [Int]
        var last_row: [Int]
    }

    static func cases() throws -> [Case] {
        let url = DebertaFixture.root.appendingPathComponent("relative_positions.json")
        return try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
    }

    @Test func relativePosition_matchesPyTorchTables() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 5)
        for c in cases {
            let positions = RelativePositions(
                maxLength: c.length, buckets: c.buckets, maxPosition: c.max_position,
                attentionSpan: c.buckets > 0 ? c.buckets : c.max_position)
            let first = (0..<c.length).map { positions.relativePosition(query: 0, key: $0) }
            let last = (0..<c.length).map { positions.relativePosition(query: c.length - 1, key: $0) }
            #expect(first == c.first_row, "length \(c.length), buckets \(c.buckets), max \(c.max_position)")
            #expect(last == c.last_row, "length \(c.length), buckets \(c.buckets), max \(c.max_position)")
        }
    }

    @Test func logBucket_keepsShortDistancesAndCompressesLongOnes() {
        // Inside ±mid (mid = 8) distances are exact; beyond, they grow logarithmically and the
        // largest distance (max_position − 1) reaches bucket 2·mid − 1.
        for distance in -8...8 {
            #expect(RelativePositions.logBucket(distance, bucketSize: 16, maxPosition: 64) == distance)
        }
        #expect(RelativePositions.logBucket(63, bucketSize: 16, maxPosition: 64) == 15)
        #expect(RelativePositions.logBucket(-63, bucketSize: 16, maxPosition: 64) == -15)
        let buckets = (9...63).map { RelativePositions.logBucket($0, bucketSize: 16, maxPosition: 64) }
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(buckets.first! > 8)
    }

    @Test func rows_areClampedToTheEmbeddingTable() {
        // No buckets, span 12 < length 40: rows clamp to 0…23 (HF: clamp(rel + span, 0, 2·span − 1)).
        let positions = RelativePositions(maxLength: 40, buckets: -1, maxPosition: 12, attentionSpan: 12)
        #expect(positions.contentToPositionRow(query: 0, key: 0) == 12)
        #expect(positions.contentToPositionRow(query: 5, key: 0) == 17)
        #expect(positions.contentToPositionRow(query: 39, key: 0) == 23)
        #expect(positions.contentToPositionRow(query: 0, key: 39) == 0)
        // p2c reads row clamp(−rel(j − i) + span).
        #expect(positions.positionToContentRow(query: 5, key: 0) == 17)
        #expect(positions.positionToContentRow(query: 0, key: 39) == 0)
        let bands = positions.rowRanges(length: 3)
        #expect(bands.contentToPosition == 10...14)
        #expect(bands.positionToContent == 10...14)
        #expect(positions.rowRanges(length: 40).contentToPosition == 0...23)
    }

    @Test func addContentToPosition_gathersTheBandColumns() {
        // length 2, span 4, no buckets: c2p row(i, j) = i − j + 4 ∈ 3…5, band starting at row 3.
        let positions = RelativePositions(maxLength: 8, buckets: -1, maxPosition: 4, attentionSpan: 4)
        let band = positions.rowRanges(length: 2).contentToPosition
        #expect(band == 3...5)
        // c2p [2, 3]: row i holds 10·i + column.
        let c2p: [Float] = [0, 1, 2, 10, 11, 12]
        var scores: [Float] = [100, 100, 100, 100]
        c2p.withUnsafeBufferPointer { source in
            scores.withUnsafeMutableBufferPointer { target in
                positions.addContentToPosition(source.baseAddress!, columns: 3, firstRow: 3, length: 2,
                                               into: target.baseAddress!)
            }
        }
        // (0,0): row 4 → col 1; (0,1): row 3 → col 0; (1,0): row 5 → col 2; (1,1): row 4 → col 1.
        #expect(scores == [101, 100, 112, 111])
        var p2cScores: [Float] = [0, 0, 0, 0]
        c2p.withUnsafeBufferPointer { source in
            p2cScores.withUnsafeMutableBufferPointer { target in
                positions.addPositionToContent(source.baseAddress!, columns: 3, firstRow: 3, length: 2,
                                               into: target.baseAddress!)
            }
        }
        // scores[i, j] += p2c[j, row(i, j) − 3] with row = −(j − i) + 4:
        // (0,0): p2c[0,1] = 1; (0,1): p2c[1,0] = 10; (1,0): p2c[0,2] = 2; (1,1): p2c[1,1] = 11.
        #expect(p2cScores == [1, 10, 2, 11])
    }
}
