/// A tokenizer.json `pre_tokenizer`: splits normalized text into words (HF tokenizers `PreTokenizer`).
protocol PreTokenizer: Sendable {
    func split(_ piece: TextPiece) -> [TextPiece]

    /// Whether splitting depends on `TextPiece.isAtStart` (working that out costs a second normalization).
    var tracksStart: Bool { get }

    /// `split`, plus for every scalar of every word the index (in `piece.scalars`' coordinates) of the input scalar
    /// it came from. The words are exactly `split(piece)`'s. See `PreTokenizer+Alignment.swift`.
    func splitAligned(_ piece: TextPiece) -> [AlignedWord]
}

extension PreTokenizer {
    var tracksStart: Bool { false }
}

/// How a split keeps its delimiters (tokenizers `SplitDelimiterBehavior`).
enum DelimiterBehavior: Sendable {
    case removed, isolated, mergedWithPrevious, mergedWithNext, contiguous

    init(_ name: String, json: JSONComponent) throws {
        switch name {
        case "Removed", "removed": self = .removed
        case "Isolated", "isolated": self = .isolated
        case "MergedWithPrevious", "merged_with_previous": self = .mergedWithPrevious
        case "MergedWithNext", "merged_with_next": self = .mergedWithNext
        case "Contiguous", "contiguous": self = .contiguous
        default: throw json.invalid("behavior", "unknown behavior '\(name)'")
        }
    }
}

/// Builds the pre-tokenizer a tokenizer.json `pre_tokenizer` object describes.
func makePreTokenizer(_ json: JSONComponent) throws -> any PreTokenizer {
    let type = try json.type()
    switch type {
    case "BertPreTokenizer":
        return BertPreTokenizer()
    case "WhitespaceSplit":
        return WhitespaceSplitPreTokenizer()
    case "Whitespace":
        return WhitespacePreTokenizer()
    case "Punctuation":
        return PunctuationPreTokenizer(
            behavior: try DelimiterBehavior(try json.string("behavior", default: "Isolated"), json: json))
    case "Metaspace":
        return try MetaspacePreTokenizer(json)
    case "ByteLevel":
        return try ByteLevelPreTokenizer(json)
    case "Digits":
        return DigitsPreTokenizer(individualDigits: try json.bool("individual_digits", default: false))
    case "Split":
        // Only GPT-2's regex is matched (by hand, see GPT2Splitter); other patterns are refused, not mis-split.
        let pattern = try json.object("pattern", component: "pre_tokenizer.pattern")
        let source = pattern.has("Regex") ? try pattern.string("Regex") : try pattern.string("String")
        guard source == GPT2Splitter.pattern, !(try json.bool("invert", default: false)) else {
            throw json.invalid("pattern", "only the GPT-2 regex is supported, got '\(source)'")
        }
        return GPT2SplitPreTokenizer(behavior: try DelimiterBehavior(try json.string("behavior"), json: json))
    case "Sequence":
        let children = try json.array("pretokenizers").enumerated().map { index, value in
            try makePreTokenizer(json.child(value, named: "pretokenizers[\(index)]"))
        }
        return SequencePreTokenizer(preTokenizers: children)
    default:
        throw json.unsupported(type)
    }
}
