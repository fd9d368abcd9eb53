import Foundation
import Testing
@testable import Tokenizers

/// Byte-level BPE goldens from HF tokenizers 0.22 (Models/fixtures/make_llama_fixtures.py).
enum BPEFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models/fixtures/llama")

    struct Case: Decodable { var text: String; var ids: [Int32] }

    static func cases(_ name: String) throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

@Test func bpe_tinyTokenizerMatchesHF() throws {
    let tokenizer = try Tokenizer(contentsOf: BPEFixture.directory.appendingPathComponent("bpe.json"))
    let cases = try BPEFixture.cases("bpe_cases.json")
    #expect(cases.count > 100)
    var failures = 0
    for c in cases {
        let ids = tokenizer.tokenize(c.text)
        if ids != c.ids {
            failures += 1
            if failures <= 5 { Issue.record("\(c.text.debugDescription): got \(ids), expected \(c.ids)") }
        }
    }
    #expect(failures == 0)
}

@Test func bpe_decodingRoundTripsText() throws {
    let tokenizer = try Tokenizer(contentsOf: BPEFixture.directory.appendingPathComponent("bpe.json"))
    for text in ["Hello world", "héllo ünïcödé 日本語 😀👨‍👩‍👧", "  spaces\n\ttabs  ", ""] {
        #expect(tokenizer.decodeByteLevel(tokenizer.tokenize(text)) == text)
    }
}

@Test func byteLevelDecoder_emitsOnlyCompleteCharacters() throws {
    let tokenizer = try Tokenizer(contentsOf: BPEFixture.directory.appendingPathComponent("bpe.json"))
    // 😀 is F0 9F 98 80: four byte tokens, unknown to the tiny vocabulary's merges.
    let ids = tokenizer.tokenize("a😀b")
    #expect(ids.count >= 4)
    var decoder = ByteLevelDecoder(tokenizer: tokenizer)
    let pieces = ids.map { decoder.append($0) }
    #expect(pieces.joined() == "a😀b")
    #expect(pieces.allSatisfy { !$0.contains("\u{FFFD}") })
    #expect(pieces.contains("😀") || pieces.contains { $0.hasPrefix("😀") })
    #expect(decoder.finish() == "")
}

@Test func byteLevelDecoder_flushesIncompleteAsReplacement() {
    #expect(ByteLevelDecoder.completePrefixLength([0x61, 0xF0, 0x9F]) == 1)
    #expect(ByteLevelDecoder.completePrefixLength([0xF0, 0x9F, 0x98, 0x80]) == 4)
    #expect(ByteLevelDecoder.completePrefixLength([0xC3]) == 0)
    #expect(ByteLevelDecoder.completePrefixLength([0x80, 0x80]) == 2)  // stray continuation bytes: invalid, emitted
}

@Test func gpt2Splitter_matchesRegexExamples() {
    func split(_ s: String) -> [String] {
        let scalars = Array(s.unicodeScalars)
        return GPT2Splitter.ranges(scalars).map { String(String.UnicodeScalarView(scalars[$0])) }
    }
    #expect(split("Hello world") == ["Hello", " world"])
    // \s+(?!\S) backtracks to leave the last newline, which then matches \s+ alone.
    #expect(split("don't  stop\n\nnow") == ["don", "'t", " ", " stop", "\n", "\n", "now"])
    #expect(split("x  ") == ["x", "  "])
    #expect(split("a 12!? b") == ["a", " 12", "!?", " b"])
    #expect(split("'''s") == ["'''", "s"])
}

@Test func split_refusesUnknownRegex() {
    let json = #"{"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"Split","pattern":{"Regex":"\\d+"},"behavior":"Isolated","invert":false}}"#
    #expect(throws: TokenizerError.self) { try Tokenizer(data: Data(json.utf8)) }
}

/// Regression (issue 14, found by Tests/fuzz FuzzTokenizerJSON): ByteLevel with `add_prefix_space: true` after a
/// Split inserted the space at index 0 of a piece that starts later in the text (an ArraySlice), trapping on the
/// first such piece without a leading space (the comma below). HF tokenizers 0.22.2 prefixes every piece that does
/// not start with a space.
@Test func byteLevelPrefixSpace_afterSplitMatchesHF() throws {
    let url = BPEFixture.directory.appendingPathComponent("bpe.json")
    var document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var preTokenizer = try #require(document["pre_tokenizer"] as? [String: Any])
    var steps = try #require(preTokenizer["pretokenizers"] as? [[String: Any]])
    #expect(steps.map { $0["type"] as? String } == ["Split", "ByteLevel"])
    steps[1]["add_prefix_space"] = true
    preTokenizer["pretokenizers"] = steps
    document["pre_tokenizer"] = preTokenizer
    let tokenizer = try Tokenizer(data: JSONSerialization.data(withJSONObject: document))
    let expected: [(String, [Int32])] = [
        ("Hello world, how are you?", [223, 42, 307, 282, 288, 263, 78, 70, 223, 14, 223, 74, 81, 89, 223, 67, 268, 223, 91, 81, 87, 223, 33]),
        ("a b", [223, 67, 370]),
        (" x", [223, 90]),
    ]
    for (text, ids) in expected {
        #expect(tokenizer.tokenize(text) == ids, "\(text.debugDescription)")
    }
}
