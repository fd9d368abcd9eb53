import Foundation
import Testing
@testable import Tokenizers

@Suite struct TruncationTests {
    @Test func longestFirst_cutsTheLongerSequenceFirst() {
        var first: [Int32] = Array(1...10)
        var second: [Int32]? = [11, 12, 13]
        #expect(Truncation.truncate(&first, &second, maxLength: 8, strategy: .longestFirst))
        #expect(first == [1, 2, 3, 4, 5])
        #expect(second == [11, 12, 13])
    }

    @Test func longestFirst_splitsEvenlyWhenBothAreLong() {
        var first: [Int32] = Array(1...10)
        var second: [Int32]? = Array(11...20)
        #expect(Truncation.truncate(&first, &second, maxLength: 7, strategy: .longestFirst))
        #expect(first == [1, 2, 3])
        #expect(second == [11, 12, 13, 14])
    }

    @Test func onlySecond_withoutPairFallsBackToFirst() {
        var first: [Int32] = Array(1...10)
        var second: [Int32]? = nil
        #expect(Truncation.truncate(&first, &second, maxLength: 4, strategy: .onlySecond))
        #expect(first == [1, 2, 3, 4])
    }

    @Test func onlyFirst_tooShortFallsBackToLongestFirst() {
        var first: [Int32] = [1, 2]
        var second: [Int32]? = Array(11...20)
        #expect(Truncation.truncate(&first, &second, maxLength: 6, strategy: .onlyFirst))
        #expect(first.count + second!.count == 6)
    }

    @Test func fitting_isUntouched() {
        var first: [Int32] = [1, 2]
        var second: [Int32]? = [3]
        #expect(!Truncation.truncate(&first, &second, maxLength: 3, strategy: .longestFirst))
        #expect(first == [1, 2] && second == [3])
    }

    @Test func encode_maxLengthCountsSpecialTokens() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        let encoding = tokenizer.encode("one two three four five", pair: "six seven", maxLength: 6)
        #expect(encoding.ids.count == 6)
        #expect(encoding.isTruncated)
        // 3 slots for 5 + 2 tokens: the longer first sequence keeps 2, the second 1 (HF longest_first).
        #expect(encoding.ids == [101, 2028, 2048, 102, 2416, 102])
        #expect(encoding.typeIds == [0, 0, 0, 0, 1, 1])
    }
}
