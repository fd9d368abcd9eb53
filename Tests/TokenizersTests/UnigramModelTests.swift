import Foundation
import Testing
@testable import Tokenizers

@Suite struct UnigramModelTests {
    private let vocab: [(String, Double)] = [("<unk>", 0), ("a", -1), ("b", -2), ("ab", -2.5), ("c", -3), ("abc", -9)]

    @Test func tokenize_picksHighestScoringSegmentation() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.unigram(vocab: vocab, unkID: 0))
        #expect(tokenizer.tokenize("ab") == [3])      // -2.5 beats a + b = -3
        #expect(tokenizer.tokenize("abc") == [3, 4])  // -5.5 beats abc = -9
        #expect(tokenizer.tokenize("ba") == [2, 1])
    }

    @Test func tokenize_fusesConsecutiveUnknowns() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.unigram(vocab: vocab, unkID: 0))
        #expect(tokenizer.tokenize("axyzb") == [1, 0, 2])
        #expect(tokenizer.tokenize("日本") == [0])
    }

    @Test func tokenize_byteFallbackSpellsUnknownsAsBytes() throws {
        var pieces = vocab
        let firstByteID = pieces.count
        pieces += (0...255).map { (String(format: "<0x%02X>", $0), -20) }
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.unigram(vocab: pieces, unkID: 0, byteFallback: true))
        // "é" is C3 A9 in UTF-8.
        #expect(tokenizer.tokenize("a\u{E9}b") == [1, Int32(firstByteID + 0xC3), Int32(firstByteID + 0xA9), 2])
    }

    @Test func tokenize_withoutUnkIDDropsUncoverableText() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.unigram(vocab: vocab, unkID: nil))
        #expect(tokenizer.tokenize("axb") == [1, 2])
    }

    @Test func tokenize_longTextStaysLinear() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.unigram(vocab: vocab, unkID: 0))
        let text = String(repeating: "abcab", count: 40_000)  // 200k characters, no pre-tokenizer: one "word"
        let ids = tokenizer.tokenize(text)
        #expect(ids.count == 120_000)
    }
}
