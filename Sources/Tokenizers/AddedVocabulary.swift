/// tokenizer.json `added_tokens`: tokens matched in the text before the model sees it (HF tokenizers
/// `AddedVocabulary`). Tokens with `normalized: false` (special tokens such as `[SEP]`) are found in the raw text,
/// the others in the normalized text; matching is leftmost-longest, as tokenizers' Aho-Corasick is configured.
struct AddedVocabulary: Sendable {
    struct AddedToken: Sendable {
        var content: [Unicode.Scalar]
        var id: Int32
        var isSingleWord: Bool
        var stripsLeft: Bool
        var stripsRight: Bool
        var isNormalized: Bool
    }

    /// One stretch of input: either an added token's id or text still to tokenize.
    enum Segment {
        /// An added token's id and the scalars it matched (lstrip/rstrip whitespace included), in the coordinates
        /// of the text that was searched.
        case token(Int32, Range<Int>)
        case text(TextPiece)
    }

    private(set) var tokens: [AddedToken] = []
    private var rawPatterns = Matcher()
    private var normalizedPatterns = Matcher()

    init() {}

    init(_ entries: [JSONValue], path: String, normalizer: (any Normalizer)?) throws {
        for (index, entry) in entries.enumerated() {
            let json = try JSONComponent(entry, path: path, component: "added_tokens[\(index)]")
            let content = try json.string("content")
            let id = try json.int("id")
            guard let id32 = Int32(exactly: id), id32 >= 0 else { throw json.invalid("id", "\(id) is not a token id") }
            let token = AddedToken(
                content: Array(content.unicodeScalars), id: id32,
                isSingleWord: try json.bool("single_word", default: false),
                stripsLeft: try json.bool("lstrip", default: false),
                stripsRight: try json.bool("rstrip", default: false),
                // tokenizers: special tokens default to not normalized, others to normalized.
                isNormalized: try json.bool("normalized", default: !(try json.bool("special", default: false))))
            tokens.append(token)
            guard !token.content.isEmpty else { continue }
            if token.isNormalized {
                let pattern = normalizer?.normalize(token.content) ?? token.content
                normalizedPatterns.add(pattern, token: tokens.count - 1)
            } else {
                rawPatterns.add(token.content, token: tokens.count - 1)
            }
        }
    }

    /// The id of the added token whose content is exactly `token` (scalar for scalar).
    func id(of token: String) -> Int32? {
        let scalars = Array(token.unicodeScalars)
        return tokens.first { $0.content == scalars }?.id
    }

    /// Splits `text` around added tokens, normalizing the stretches between them.
    /// `tracksStart`: whether to work out if normalized text still starts at the input's start (Metaspace `first`).
    func segments(of text: String, normalizer: (any Normalizer)?, tracksStart: Bool) -> [Segment] {
        alignedSegments(of: text, normalizer: normalizer, tracksStart: tracksStart, isAligned: false).map(\.segment)
    }

    /// `segments`, each with the alignment that maps its coordinates back to `text`'s scalars: nil for segments
    /// found in the raw text (their coordinates are `text`'s), else the normalization of the stretch they came from.
    /// With `isAligned: false` no alignment is computed and every `origins` is nil.
    func alignedSegments(of text: String, normalizer: (any Normalizer)?, tracksStart: Bool,
                         isAligned: Bool = true) -> [(segment: Segment, origins: AlignedScalars?)] {
        let raw = Array(text.unicodeScalars)
        var segments: [(segment: Segment, origins: AlignedScalars?)] = []
        for rawSegment in split(raw, matcher: rawPatterns, isAtStart: true) {
            guard case let .text(piece) = rawSegment else {
                segments.append((rawSegment, nil))
                continue
            }
            let base = piece.scalars.startIndex
            let original = Array(piece.scalars)
            var aligned: AlignedScalars?
            let normalized: [Unicode.Scalar]
            if isAligned {
                var alignment = normalizer?.normalizeAligned(original) ?? AlignedScalars(identity: original)
                alignment.origins = alignment.origins.map { $0.lowerBound + base ..< $0.upperBound + base }
                normalized = alignment.scalars
                aligned = alignment
            } else {
                normalized = normalizer?.normalize(original) ?? original
            }
            // Normalizers act locally, so a short prefix decides whether the first character survives.
            let keepsStart = piece.isAtStart
                && (!tracksStart || (normalizer?.keepsStart(of: Array(original.prefix(32))) ?? true))
            for segment in split(normalized, matcher: normalizedPatterns, isAtStart: keepsStart) {
                segments.append((segment, aligned))
            }
        }
        return segments
    }

    /// tokenizers `added_vocabulary.rs: find_matches`, including single_word, lstrip and rstrip.
    private func split(_ scalars: [Unicode.Scalar], matcher: Matcher, isAtStart: Bool) -> [Segment] {
        guard !matcher.isEmpty, !scalars.isEmpty else {
            return scalars.isEmpty ? [] : [.text(TextPiece(scalars: scalars[...], isAtStart: isAtStart))]
        }
        var segments: [Segment] = []
        var emitted = 0  // end of the last emitted segment
        var position = 0
        while position < scalars.count {
            guard let (length, tokenIndex) = matcher.longestMatch(in: scalars, at: position) else {
                position += 1
                continue
            }
            let token = tokens[tokenIndex]
            var start = position
            var stop = position + length
            position = stop
            if token.isSingleWord {
                // tokenizers tests `\w` with the regex crate; the Oniguruma `\w` table differs from it only on
                // letter numbers and recent assignments.
                let wordBefore = start > 0 && CharacterClass.isWordCharacter(scalars[start - 1])
                let wordAfter = stop < scalars.count && CharacterClass.isWordCharacter(scalars[stop])
                if wordBefore || wordAfter { continue }
            }
            if token.stripsLeft {
                while start > emitted, CharacterClass.isWhitespace(scalars[start - 1]) { start -= 1 }
            }
            if token.stripsRight {
                while stop < scalars.count, CharacterClass.isWhitespace(scalars[stop]) { stop += 1 }
                position = stop
            }
            if emitted < start {
                segments.append(.text(TextPiece(scalars: scalars[emitted..<start],
                                                isAtStart: isAtStart && emitted == 0)))
            }
            segments.append(.token(token.id, start..<stop))
            emitted = stop
        }
        if emitted < scalars.count {
            segments.append(.text(TextPiece(scalars: scalars[emitted...], isAtStart: isAtStart && emitted == 0)))
        }
        return segments
    }

    /// Patterns bucketed by first scalar, longest first.
    struct Matcher: Sendable {
        private var byFirstScalar: [Unicode.Scalar: [(pattern: [Unicode.Scalar], token: Int)]] = [:]
        /// ASCII scalars that start some pattern; spares a hash lookup for every other ASCII scalar.
        private var asciiStarts = [Bool](repeating: false, count: 128)

        var isEmpty: Bool { byFirstScalar.isEmpty }

        mutating func add(_ pattern: [Unicode.Scalar], token: Int) {
            guard let first = pattern.first else { return }
            if first.isASCII { asciiStarts[Int(first.value)] = true }
            var bucket = byFirstScalar[first] ?? []
            // The first token added with identical content wins, as in tokenizers' pattern list.
            guard !bucket.contains(where: { $0.pattern == pattern }) else { return }
            bucket.append((pattern, token))
            bucket.sort { $0.pattern.count > $1.pattern.count }
            byFirstScalar[first] = bucket
        }

        func longestMatch(in scalars: [Unicode.Scalar], at position: Int) -> (length: Int, token: Int)? {
            let scalar = scalars[position]
            if scalar.isASCII && !asciiStarts[Int(scalar.value)] { return nil }
            guard let bucket = byFirstScalar[scalar] else { return nil }
            for candidate in bucket where position + candidate.pattern.count <= scalars.count
                && scalars[position..<position + candidate.pattern.count].elementsEqual(candidate.pattern) {
                return (candidate.pattern.count, candidate.token)
            }
            return nil
        }
    }
}
