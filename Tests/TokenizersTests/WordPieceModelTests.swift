import Foundation
import Testing
@testable import Tokenizers

@Suite struct WordPieceModelTests {
    private let vocab = [("[UNK]", 0), ("un", 1), ("##aff", 2), ("##able", 3), ("aff", 4), ("##a", 5), ("u", 6),
                         ("##n", 7), ("\u{E9}", 8), ("e\u{301}", 9), ("##\u{E9}", 10)]

    @Test func tokenize_takesLongestMatchFirst() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab))
        #expect(tokenizer.tokenize("unaffable") == [1, 2, 3])
        #expect(tokenizer.tokenize("aff un") == [4, 1])
    }

    @Test func tokenize_uncoverableWordIsOneUnk() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab))
        #expect(tokenizer.tokenize("unaffablex aff") == [0, 4])
    }

    @Test func tokenize_wordOverCharacterLimitIsUnk() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab, maxChars: 9))
        #expect(tokenizer.tokenize("unaffable") == [1, 2, 3])  // 9 characters
        #expect(tokenizer.tokenize("unaffablea") == [0])       // 10
        // Characters, not bytes: 9 two-byte characters still fit.
        #expect(tokenizer.tokenize(String(repeating: "\u{E9}", count: 9)) == [8] + Array(repeating: 10, count: 8))
    }

    @Test func vocabulary_keepsCanonicallyEquivalentTokensApart() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab))
        #expect(tokenizer.id(forToken: "\u{E9}") == 8)
        #expect(tokenizer.id(forToken: "e\u{301}") == 9)
        #expect(tokenizer.tokenize("e\u{301}") == [9])
        #expect(tokenizer.tokenize("\u{E9}") == [8])
        #expect(tokenizer.token(forID: 9)?.unicodeScalars.count == 2)
    }

    @Test func tokenize_veryLongWordIsLinearAndUnk() throws {
        let tokenizer = try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab))
        #expect(tokenizer.tokenize(String(repeating: "a", count: 200_000)) == [0])
    }
}
