/// A stretch of normalized text on its way to the model.
struct TextPiece: Equatable {
    var scalars: [Unicode.Scalar]
    /// Whether the piece begins at offset 0 of the original input (Metaspace `prepend_scheme: first` asks).
    var isAtStart: Bool
}

/// A tokenizer.json `pre_tokenizer`: splits normalized text into words (HF tokenizers `PreTokenizer`).
protocol PreTokenizer: Sendable {
    func split(_ piece: TextPiece) -> [TextPiece]
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

extension TextPiece {
    /// Splits on characters matching `isDelimiter`, as tokenizers `NormalizedString::split` does with a char
    /// predicate: every delimiter character is its own match, runs of other characters one segment. Empty
    /// pieces are dropped (tokenizers `PreTokenizedString::split`).
    func split(behavior: DelimiterBehavior, isDelimiter: (Unicode.Scalar) -> Bool) -> [TextPiece] {
        // Segments as (range, isDelimiter).
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var runStart = 0
        for (index, scalar) in scalars.enumerated() where isDelimiter(scalar) {
            if runStart < index { segments.append((runStart..<index, false)) }
            segments.append((index..<index + 1, true))
            runStart = index + 1
        }
        if runStart < scalars.count { segments.append((runStart..<scalars.count, false)) }

        var ranges: [Range<Int>] = []
        switch behavior {
        case .removed:
            ranges = segments.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            ranges = segments.map(\.range)
        case .contiguous:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch && previousMatch, let last = ranges.popLast() {
                    ranges.append(last.lowerBound..<segment.range.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch && !previousMatch, let last = ranges.popLast() {
                    ranges.append(last.lowerBound..<segment.range.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for segment in segments.reversed() {
                if segment.isMatch && !previousMatch, let last = ranges.popLast() {
                    ranges.append(segment.range.lowerBound..<last.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
            ranges.reverse()
        }
        return ranges.filter { !$0.isEmpty }.map {
            TextPiece(scalars: Array(scalars[$0]), isAtStart: isAtStart && $0.lowerBound == 0)
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
