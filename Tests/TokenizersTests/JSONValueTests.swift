import Testing
@testable import Tokenizers

@Suite struct JSONValueTests {
    @Test func parse_keepsCanonicallyEquivalentKeysApart() throws {
        // "é" precomposed and decomposed: two members, as in real WordPiece vocabularies.
        let value = try JSONValue.parse(Array(#"{"\u00e9": 1, "e\u0301": 2}"#.utf8))
        guard case let .object(members) = value else { Issue.record("not an object"); return }
        #expect(members.count == 2)
        #expect(members.map { Array($0.key.unicodeScalars).count } == [1, 2])
    }

    @Test func parse_decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(Array(#"["a\"b\\c\/\n\t", "\ud83d\ude00", "\ud800x", 1.5e2, -3, true, null]"#.utf8))
        guard case let .array(items) = value, items.count == 7 else { Issue.record("\(value)"); return }
        if case let .string(text) = items[0] { #expect(text == "a\"b\\c/\n\t") } else { Issue.record("item 0") }
        if case let .string(text) = items[1] { #expect(text == "😀") } else { Issue.record("item 1") }
        if case let .string(text) = items[2] { #expect(text == "\u{FFFD}x") } else { Issue.record("item 2") }
        if case let .number(number) = items[3] { #expect(number == 150) } else { Issue.record("item 3") }
        if case let .number(number) = items[4] { #expect(number == -3) } else { Issue.record("item 4") }
        if case let .bool(flag) = items[5] { #expect(flag) } else { Issue.record("item 5") }
        if case .null = items[6] {} else { Issue.record("item 6") }
    }

    @Test(arguments: [#"{"a": 1"#, #"{"a" 1}"#, "[1, 2,]", #""open"#, "tru", "{} x", "", #"["\x"]"#])
    func parse_rejectsMalformedInput(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(text.utf8)) }
    }

    @Test func parse_limitsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Array(deep.utf8)) }
    }
}
