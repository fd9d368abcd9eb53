import Foundation
import Testing
@testable import Tokenizers

@Suite struct TokenizerLoadingTests {
    private let vocab = [("[UNK]", 0), ("hello", 1)]

    @Test func malformedJSON_throwsNamingTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-malformed-\(UUID()).json")
        try Data(#"{"model": {"type": "WordPiece", "vocab": {"a": 1,}"#.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try Tokenizer(contentsOf: url)
            Issue.record("loading malformed JSON succeeded")
        } catch let error as TokenizerError {
            guard case let .malformedJSON(path, reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == url.path)
            #expect(reason.contains("byte"))
            #expect(error.description.contains(url.lastPathComponent))
        }
    }

    @Test func missingFile_throwsUnreadable() {
        let url = URL(fileURLWithPath: "/nonexistent/rampart/tokenizer.json")
        #expect(throws: TokenizerError.self) { try Tokenizer(contentsOf: url) }
        do {
            _ = try Tokenizer(contentsOf: url)
        } catch let error as TokenizerError {
            if case .unreadableFile(let path, _) = error { #expect(path == url.path) } else { Issue.record("\(error)") }
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func topLevelArray_isMalformed() {
        #expect(throws: TokenizerError.malformedJSON(path: "t.json", reason: "the top level is not an object")) {
            try TokenizerJSON.make("[1, 2]", path: "t.json")
        }
    }

    @Test func unknownNormalizer_namesFileComponentAndType() throws {
        let json = TokenizerJSON.wordPiece(vocab: vocab, normalizer: #"{"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Frobnicate"}]}"#)
        do {
            _ = try TokenizerJSON.make(json, path: "models/guard/tokenizer.json")
            Issue.record("unknown normalizer accepted")
        } catch let error as TokenizerError {
            #expect(error == .unsupportedComponent(path: "models/guard/tokenizer.json",
                                                   component: "normalizer.normalizers[1]", type: "Frobnicate"))
            #expect(error.description == "models/guard/tokenizer.json: unsupported normalizer.normalizers[1] type 'Frobnicate'")
        }
    }

    @Test func unknownComponents_throwUnsupported() {
        let cases: [(String, String, String)] = [
            (TokenizerJSON.wordPiece(vocab: vocab, preTokenizer: #"{"type": "Frobnicate"}"#), "pre_tokenizer", "Frobnicate"),
            (TokenizerJSON.wordPiece(vocab: vocab, postProcessor: #"{"type": "ByteLevel"}"#), "post_processor", "ByteLevel"),
            (#"{"model": {"type": "WordLevel", "vocab": {}}}"#, "model", "WordLevel"),
        ]
        for (json, component, type) in cases {
            #expect(throws: TokenizerError.unsupportedComponent(path: "x.json", component: component, type: type)) {
                try TokenizerJSON.make(json, path: "x.json")
            }
        }
    }

    @Test func missingUnkToken_throwsMissingToken() {
        #expect(throws: TokenizerError.missingToken(path: "x.json", component: "model", token: "[UNK]")) {
            try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: [("hello", 0)]), path: "x.json")
        }
    }

    @Test func wrongFieldType_throwsInvalidField() {
        let json = TokenizerJSON.wordPiece(vocab: vocab, normalizer: #"{"type": "BertNormalizer", "lowercase": "yes"}"#)
        #expect(throws: TokenizerError.invalidField(path: "x.json", component: "normalizer", field: "lowercase",
                                                    reason: "expected a boolean")) {
            try TokenizerJSON.make(json, path: "x.json")
        }
    }

    @Test func missingModel_throwsMissingField() {
        #expect(throws: TokenizerError.missingField(path: "x.json", component: "tokenizer", field: "model")) {
            try TokenizerJSON.make(#"{"normalizer": null}"#, path: "x.json")
        }
    }

    @Test func badTemplateSpecialToken_throwsMissingToken() {
        let template = #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {}}"#
        #expect(throws: TokenizerError.missingToken(path: "x.json", component: "post_processor", token: "[CLS]")) {
            try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: vocab, postProcessor: template), path: "x.json")
        }
    }

    @Test func corruptPrecompiledCharsmap_throwsInvalidField() {
        let json = TokenizerJSON.wordPiece(vocab: vocab, normalizer: #"{"type": "Precompiled", "precompiled_charsmap": "AAEAAA=="}"#)
        #expect(throws: TokenizerError.self) { try TokenizerJSON.make(json) }
        do {
            _ = try TokenizerJSON.make(json, path: "x.json")
        } catch let error as TokenizerError {
            guard case let .invalidField(_, component, field, _) = error else { Issue.record("\(error)"); return }
            #expect(component == "normalizer" && field == "precompiled_charsmap")
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite struct HostileTokenizerFileTests {
    @Test func outOfRangeNumbers_throwInsteadOfTrapping() {
        let template = #"{"type": "TemplateProcessing", "single": [{"Sequence": {"id": "A", "type_id": 1e12}}], "pair": [], "special_tokens": {}}"#
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: [("[UNK]", 0)], postProcessor: template))
        }
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON.make(TokenizerJSON.wordPiece(vocab: [("[UNK]", 0), ("big", 99_999_999_999)]))
        }
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON.make(TokenizerJSON.unigram(vocab: [("<unk>", 0)], unkID: 7))
        }
        #expect(throws: TokenizerError.self) {
            try TokenizerJSON.make(#"{"model": {"type": "Unigram", "vocab": [["a"]]}}"#)
        }
    }
}

extension HostileTokenizerFileTests {
    /// Truncated and bit-flipped tokenizer.json files either load or throw; what loads must encode without trapping.
    @Test(arguments: ["unigram", "wordpiece-nfkc"])
    func corruptedFiles_throwOrWork(name: String) throws {
        let original = try [UInt8](Data(contentsOf: Fixtures.url("\(name).json")))
        var generator = SeededGenerator(state: 99)
        var loaded = 0
        for round in 0..<60 {
            var bytes = original
            if round % 3 == 0 {
                bytes.removeLast(Int.random(in: 1..<bytes.count, using: &generator))
            } else {
                for _ in 0..<(1 + round % 4) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            guard let tokenizer = try? Tokenizer(data: Data(bytes), path: "\(name)-corrupt-\(round).json") else { continue }
            loaded += 1
            let encoding = tokenizer.encode("Ｈｅｌｌｏ ﬁne wörld 😀 [MASK] 中文", pair: "second", maxLength: 16)
            #expect(encoding.ids.count == encoding.typeIds.count)
        }
        #expect(loaded > 0)  // most single-byte flips land in vocabulary strings and still load
    }
}
