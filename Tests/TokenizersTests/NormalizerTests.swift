import Foundation
import Testing
@testable import Tokenizers

@Suite struct NormalizerTests {
    /// The nmt_nfkc precompiled charsmap shipped in the Unigram fixture.
    static func precompiled() throws -> PrecompiledNormalizer {
        let data = try Data(contentsOf: Fixtures.url("unigram.json"))
        let root = try JSONComponent(try JSONValue.parse(data), path: "unigram.json", component: "tokenizer")
        let normalizers = try root.object("normalizer").array("normalizers")
        for value in normalizers {
            let json = try root.child(value, named: "n")
            if try json.type() == "Precompiled" {
                let base64 = try json.string("precompiled_charsmap")
                return PrecompiledNormalizer(charsmap: try PrecompiledCharsmap(try #require(Data(base64Encoded: base64))))
            }
        }
        throw TokenizerError.missingField(path: "unigram.json", component: "normalizer", field: "Precompiled")
    }

    @Test func precompiled_appliesNFKCAndSentencePieceRules() throws {
        let normalizer = try Self.precompiled()
        #expect(normalizer.normalize("ﬁne") == "fine")
        #expect(normalizer.normalize("Ｈｅｌｌｏ １２３") == "Hello 123")
        #expect(normalizer.normalize("a\u{200B}b") == "a b")    // nmt_nfkc: zero-width space is a space
        #expect(normalizer.normalize("e\u{301}") == "\u{E9}")    // composed
        #expect(normalizer.normalize("tab\there") == "tab here")
        #expect(normalizer.normalize("plain ascii text.") == "plain ascii text.")
    }

    @Test func precompiled_randomCharsmapsNeverTrap() throws {
        var generator = SeededGenerator(state: 3)
        for _ in 0..<200 {
            let trieUnits = Int.random(in: 1..<64, using: &generator)
            var bytes = withUnsafeBytes(of: UInt32(trieUnits * 4).littleEndian, Array.init)
            for _ in 0..<(trieUnits * 4 + Int.random(in: 0..<64, using: &generator)) {
                bytes.append(UInt8.random(in: 0...255, using: &generator))
            }
            let normalizer = PrecompiledNormalizer(charsmap: try PrecompiledCharsmap(Data(bytes)))
            _ = normalizer.normalize("abc Ｈｅｌｌｏ e\u{301} 👨‍👩‍👧 \u{0}\r\n")
        }
    }

    @Test func bert_cleansPadsStripsAndLowercases() {
        let normalizer = BertNormalizer(cleansText: true, handlesChineseCharacters: true, stripsAccents: true,
                                        lowercases: true)
        #expect(normalizer.normalize("Héllo\u{0}\tWORLD\u{200B}中") == "hello world 中 ")
        let cased = BertNormalizer(cleansText: true, handlesChineseCharacters: false, stripsAccents: false,
                                   lowercases: false)
        #expect(cased.normalize("Héllo\u{7}") == "Héllo")
    }

    @Test func lowercase_usesFullMappingWithoutContext() {
        #expect(LowercaseNormalizer().normalize("İSTANBUL ΣΑΣ") == "i\u{307}stanbul σασ")
    }

    @Test func strip_trimsUnicodeWhitespace() {
        #expect(StripNormalizer(stripsLeft: true, stripsRight: false).normalize("\u{3000} a \n") == "a \n")
        #expect(StripNormalizer(stripsLeft: true, stripsRight: true).normalize("\u{3000} a \n") == "a")
    }

    @Test func replace_literalAndRunPatterns() throws {
        func make(_ pattern: String, _ content: String) throws -> ReplaceNormalizer {
            let json = #"{"type": "Replace", "pattern": \#(pattern), "content": "\#(content)"}"#
            return try ReplaceNormalizer(JSONComponent(try JSONValue.parse(Array(json.utf8)), path: "t", component: "n"))
        }
        #expect(try make(#"{"String": "ab"}"#, "X").normalize("aabab b") == "aXX b")
        #expect(try make(#"{"Regex": " {2,}"}"#, "_").normalize("a  b   c d") == "a_b_c d")
        #expect(try make(#"{"Regex": "[0-9]+"}"#, "#").normalize("a12b3") == "a#b#")
    }
}

@Suite struct PreTokenizerTests {
    private func words(_ preTokenizer: any PreTokenizer, _ text: String, isAtStart: Bool = true) -> [String] {
        preTokenizer.split(TextPiece(scalars: Array(text.unicodeScalars)[...], isAtStart: isAtStart))
            .map { ScalarText.string($0.scalars) }
    }

    @Test func bert_splitsWhitespaceAndIsolatesPunctuation() {
        #expect(words(BertPreTokenizer(), "Hello,  world!! ok") == ["Hello", ",", "world", "!", "!", "ok"])
    }

    @Test func metaspace_prependSchemes() {
        #expect(words(MetaspacePreTokenizer(prependScheme: .always), "hi there") == ["▁hi", "▁there"])
        #expect(words(MetaspacePreTokenizer(prependScheme: .first), "hi there", isAtStart: false) == ["hi", "▁there"])
        #expect(words(MetaspacePreTokenizer(prependScheme: .never), "hi  there") == ["hi", "▁", "▁there"])
        #expect(words(MetaspacePreTokenizer(prependScheme: .always, splits: false), "hi there") == ["▁hi▁there"])
        #expect(words(MetaspacePreTokenizer(), "") == [])
    }

    @Test func delimiterBehaviours_matchTokenizers() {
        let piece = TextPiece(scalars: Array("a--b-".unicodeScalars)[...], isAtStart: true)
        func run(_ behavior: DelimiterBehavior) -> [String] {
            piece.split(behavior: behavior) { $0 == "-" }.map { ScalarText.string($0.scalars) }
        }
        #expect(run(.removed) == ["a", "b"])
        #expect(run(.isolated) == ["a", "-", "-", "b", "-"])
        #expect(run(.mergedWithPrevious) == ["a-", "-", "b-"])
        #expect(run(.mergedWithNext) == ["a", "-", "-b", "-"])
        #expect(run(.contiguous) == ["a", "--", "b", "-"])
    }

    @Test func whitespace_splitsWordAndSymbolRuns() {
        #expect(words(WhitespacePreTokenizer(), "Hey, you're_ok?!  42") == ["Hey", ",", "you", "'", "re_ok", "?!", "42"])
    }
}
