import Foundation
import Testing
@testable import Tokenizers

/// Every fixture case through each tokenizer, compared with the ids HF tokenizers 0.22.2 produced.
@Suite struct GoldenParityTests {
    @Test(arguments: ["wordpiece", "minilm", "unigram", "unigram-bytefallback", "wordpiece-nfkc", "wordpiece-whitespace"])
    func encode_matchesHuggingFaceTokenizers(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let cases = try Fixtures.cases()
        let expected = try Fixtures.expected(name)
        #expect(cases.count >= 1_000)
        #expect(expected.ids.count == cases.count)
        var mismatches: [String] = []
        var compared = 0
        for (index, testCase) in cases.enumerated() {
            let encoding = tokenizer.encode(testCase.text, pair: testCase.pair,
                                            addSpecialTokens: testCase.addsSpecialTokens ?? true,
                                            maxLength: testCase.maxLength, truncation: testCase.truncation)
            guard let ids = expected.ids[index], let typeIDs = expected.typeIDs[index] else {
                // tokenizers raised; the port falls back to longest_first and must still respect the bound.
                if let maxLength = testCase.maxLength {
                    #expect(encoding.ids.count <= maxLength, "case \(index)")
                }
                continue
            }
            compared += 1
            let want = Fixtures.parseIDs(ids)
            let wantTypes = Fixtures.parseTypeIDs(typeIDs)
            if encoding.ids != want || encoding.typeIds != wantTypes
                || encoding.isTruncated != (expected.truncated[index] ?? false) {
                mismatches.append("""
                    case \(index) \(String(reflecting: testCase.text)) pair \(String(reflecting: testCase.pair)) \
                    max \(String(describing: testCase.maxLength)) \(testCase.strategy ?? "")
                      want \(want) \(wantTypes) \(expected.truncated[index] ?? false)
                           \(tokenizer.describe(want))
                      got  \(encoding.ids) \(encoding.typeIds) \(encoding.isTruncated)
                           \(tokenizer.describe(encoding.ids))
                    """)
            }
        }
        #expect(compared > 1_000)
        #expect(mismatches.isEmpty, "\(name): \(mismatches.count) of \(compared) cases differ:\n\(mismatches.prefix(8).joined(separator: "\n"))")
    }
}
