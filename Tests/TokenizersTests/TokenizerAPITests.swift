import Foundation
import Testing
@testable import Tokenizers

/// The surface the Scoring layer uses, on the real all-MiniLM-L6-v2 tokenizer.json (committed fixture copy).
@Suite struct TokenizerAPITests {
    @Test func minilm_specialTokensAndPadding() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        #expect(tokenizer.padTokenID == 0)
        #expect(tokenizer.id(forToken: "[CLS]") == 101)
        #expect(tokenizer.id(forToken: "[SEP]") == 102)
        #expect(tokenizer.id(forToken: "hello") == 7592)
        #expect(tokenizer.id(forToken: "no-such-token") == nil)
        #expect(tokenizer.token(forID: 7592) == "hello")
        #expect(tokenizer.token(forID: 103) == "[MASK]")
        #expect(tokenizer.token(forID: 999_999) == nil)
        #expect(tokenizer.specialTokenCount(isPair: false) == 2)
        #expect(tokenizer.specialTokenCount(isPair: true) == 3)
    }

    @Test func encode_singleAndPair() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        #expect(tokenizer.encode("Hello, world!") ==
                Encoding(ids: [101, 7592, 1010, 2088, 999, 102], typeIds: [0, 0, 0, 0, 0, 0]))
        let pair = tokenizer.encode("Hello, world!", pair: "Is this safe?")
        #expect(pair.typeIds == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(!pair.isTruncated)
    }

    @Test func postProcess_matchesEncode() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        let prompt = tokenizer.tokenize("How do I pick a lock?")
        let response = tokenizer.tokenize("I can't help with that.")
        #expect(tokenizer.postProcess(prompt, pair: response)
                == tokenizer.encode("How do I pick a lock?", pair: "I can't help with that."))
        #expect(tokenizer.postProcess(prompt, pair: nil) == tokenizer.encode("How do I pick a lock?"))
        #expect(tokenizer.encode("How do I pick a lock?", addSpecialTokens: false).ids == prompt)
    }

    @Test func encode_specialTokenTextMapsToSpecialIDs() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        // HF tokenizers matches added tokens in raw text; parity requires the same.
        #expect(tokenizer.tokenize("a [SEP] b") == [1037, 102, 1038])
    }

    @Test func unigram_debertaStyleTemplate() throws {
        let tokenizer = try Fixtures.tokenizer("unigram")
        let cls = try #require(tokenizer.id(forToken: "[CLS]"))
        let sep = try #require(tokenizer.id(forToken: "[SEP]"))
        let encoding = tokenizer.encode("the world", pair: "safe")
        #expect(encoding.ids.first == cls && encoding.ids.last == sep)
        #expect(encoding.ids.filter { $0 == sep }.count == 2)
        #expect(tokenizer.padTokenID == tokenizer.id(forToken: "[PAD]"))
        #expect(tokenizer.specialTokenCount(isPair: true) == 3)
    }
}

/// The real model directory (Models/fetch-minilm.sh) when present.
@Suite struct RealModelTokenizerTests {
    @Test func downloadedMiniLM_matchesFixtureCopy() throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent("Models/.downloads/all-MiniLM-L6-v2/tokenizer.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("⚠️  SKIP RealModelTokenizerTests: \(url.path) is absent; run Models/fetch-minilm.sh")
            return
        }
        let downloaded = try Tokenizer(contentsOf: url)
        let fixture = try Fixtures.tokenizer("minilm")
        for testCase in try Fixtures.cases().prefix(300) {
            #expect(downloaded.encode(testCase.text, pair: testCase.pair) == fixture.encode(testCase.text, pair: testCase.pair))
        }
    }
}
