/// Turns generated ids back into text for byte-level BPE vocabularies (tokenizers `decoders::ByteLevel`), one
/// id at a time: bytes are buffered until they form complete UTF-8 characters, so a character split across
/// tokens (emoji, CJK) is emitted once, whole. Invalid bytes become U+FFFD, as `String::from_utf8_lossy`.
public struct ByteLevelDecoder: Sendable {
    private let tokenizer: Tokenizer
    /// Ids whose text is not emitted (e.g. special tokens when the caller skips them).
    private let skipped: Set<Int32>
    private var pending: [UInt8] = []

    /// A decoder for `tokenizer`'s ids; ids in `skipping` produce no text.
    public init(tokenizer: Tokenizer, skipping: Set<Int32> = []) {
        self.tokenizer = tokenizer
        self.skipped = skipping
    }

    /// Adds one id and returns the text completed by it (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        guard !skipped.contains(id), let token = tokenizer.token(forID: id) else { return "" }
        pending.append(contentsOf: ByteLevel.decode(token))
        let complete = Self.completePrefixLength(pending)
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns what is still buffered (an incomplete character decodes to U+FFFD) and empties the buffer.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The length of `bytes` without a trailing incomplete (but so far valid) UTF-8 sequence.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        // Look back at most 3 bytes for the lead byte of an unfinished sequence.
        var i = bytes.count - 1
        var continuation = 0
        while i >= 0 && continuation < 3 && bytes[i] & 0xC0 == 0x80 { continuation += 1; i -= 1 }
        guard i >= 0 else { return bytes.count }
        let lead = bytes[i]
        let needed = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 1
        return needed > continuation + 1 ? i : bytes.count
    }
}

extension Tokenizer {
    /// The text of `ids` for a byte-level BPE vocabulary (ids in `skipping` are left out).
    public func decodeByteLevel(_ ids: [Int32], skipping: Set<Int32> = []) -> String {
        var decoder = ByteLevelDecoder(tokenizer: self, skipping: skipping)
        return ids.map { decoder.append($0) }.joined() + decoder.finish()
    }
}
