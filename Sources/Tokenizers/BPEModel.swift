/// tokenizers `models/bpe`: a word starts as its characters (Unicode scalars) and adjacent pairs are merged by
/// rank, always the lowest-ranked pair first (leftmost on ties), until no listed merge applies.
///
/// Supported options: `unk_token` (+ `fuse_unk`), `byte_fallback` (`<0xAB>` tokens), `ignore_merges`.
/// `continuing_subword_prefix` / `end_of_word_suffix` and dropout are refused (byte-level models do not use them).
struct BPEModel: TokenizationModel {
    private let vocabulary: [String: Int32]
    private let tokens: [Int32: String]
    /// (left id, right id) packed as left << 32 | right → (rank, merged id).
    private let merges: [UInt64: (rank: Int32, id: Int32)]
    private let unknownID: Int32?
    private let fuseUnknown: Bool
    private let byteFallback: Bool
    private let ignoreMerges: Bool

    init(_ json: JSONComponent) throws {
        var vocabulary: [String: Int32] = [:]
        for (token, value) in try json.object("vocab").members {
            guard let number = JSONComponent.integer(value), let id = Int32(exactly: number), id >= 0 else {
                throw json.invalid("vocab", "token '\(token)' has no non-negative integer id")
            }
            vocabulary[token] = id
        }
        var pairs: [(String, String)] = []
        for (index, merge) in try json.array("merges").enumerated() {
            // Two encodings exist: "a b" strings (tokenizers < 0.20) and ["a", "b"] arrays.
            switch merge {
            case let .string(s):
                guard let space = s.firstIndex(of: " ") else { throw json.invalid("merges", "merge #\(index) '\(s)' has no space") }
                pairs.append((String(s[..<space]), String(s[s.index(after: space)...])))
            case let .array(parts):
                guard parts.count == 2, case let .string(a) = parts[0], case let .string(b) = parts[1] else {
                    throw json.invalid("merges", "merge #\(index) is not a pair of strings")
                }
                pairs.append((a, b))
            default:
                throw json.invalid("merges", "merge #\(index) is neither a string nor a pair")
            }
        }
        try self.init(vocabulary: vocabulary, merges: pairs, unknownToken: try json.optionalString("unk_token"),
                      fuseUnknown: try json.bool("fuse_unk", default: false),
                      byteFallback: try json.bool("byte_fallback", default: false),
                      ignoreMerges: try json.bool("ignore_merges", default: false), json: json)
        for unsupported in ["continuing_subword_prefix", "end_of_word_suffix"] where json.has(unsupported) {
            if case .string(let value) = try json.value(unsupported), !value.isEmpty {
                throw json.invalid(unsupported, "'\(value)' is not supported")
            }
        }
        if json.has("dropout"), case let .number(p) = try json.value("dropout"), p > 0 {
            throw json.invalid("dropout", "BPE dropout is not supported")
        }
    }

    init(vocabulary: [String: Int32], merges pairs: [(String, String)], unknownToken: String?, fuseUnknown: Bool,
         byteFallback: Bool, ignoreMerges: Bool, json: JSONComponent) throws {
        self.vocabulary = vocabulary
        tokens = Dictionary(vocabulary.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        for (rank, (a, b)) in pairs.enumerated() {
            guard let left = vocabulary[a], let right = vocabulary[b], let merged = vocabulary[a + b] else {
                throw json.invalid("merges", "merge #\(rank) '\(a) \(b)' uses tokens missing from the vocabulary")
            }
            let key = UInt64(UInt32(left)) << 32 | UInt64(UInt32(right))
            if merges[key] == nil { merges[key] = (Int32(rank), merged) }
        }
        self.merges = merges
        if let unknownToken {
            guard let id = vocabulary[unknownToken] else {
                throw TokenizerError.missingToken(path: json.path, component: json.component, token: unknownToken)
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
    }

    func tokenize(_ word: [UInt8], into ids: inout [Int32]) {
        guard !word.isEmpty else { return }
        let text = String(decoding: word, as: UTF8.self)
        if ignoreMerges, let id = vocabulary[text] {
            ids.append(id)
            return
        }
        // Initial symbols: one per character; unknown characters become byte tokens or unk.
        var symbols: [Int32] = []
        var lastWasUnknown = false
        for scalar in text.unicodeScalars {
            if let id = vocabulary[String(scalar)] {
                symbols.append(id)
                lastWasUnknown = false
                continue
            }
            if byteFallback {
                let bytes = Array(String(scalar).utf8)
                let byteIDs = bytes.compactMap { vocabulary[Self.byteToken($0)] }
                if byteIDs.count == bytes.count {
                    symbols.append(contentsOf: byteIDs)
                    lastWasUnknown = false
                    continue
                }
            }
            guard let unknownID else { continue }  // no unk token: the character is dropped, as tokenizers does
            if !(fuseUnknown && lastWasUnknown) { symbols.append(unknownID) }
            lastWasUnknown = true
        }
        // Merge the lowest-ranked adjacent pair until none is listed (tokenizers `Word::merge_all`).
        while symbols.count > 1 {
            var best: (rank: Int32, index: Int, id: Int32)?
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(symbols[i])) << 32 | UInt64(UInt32(symbols[i + 1]))
                if let merge = merges[key], best == nil || merge.rank < best!.rank {
                    best = (merge.rank, i, merge.id)
                }
            }
            guard let best else { break }
            symbols[best.index] = best.id
            symbols.remove(at: best.index + 1)
        }
        ids.append(contentsOf: symbols)
    }

    func id(forToken token: String) -> Int32? { vocabulary[token] }

    func token(forID id: Int32) -> String? { tokens[id] }

    /// The byte-fallback token of `byte`, e.g. `<0x0A>`.
    static func byteToken(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "<0x" + (hex.count == 1 ? "0" + hex : hex) + ">"
    }
}
