// The pre-tokenizers of HF tokenizers `pre_tokenizers/{bert,whitespace,punctuation,sequence}.rs`.

/// Splits on whitespace (removed), then isolates every punctuation character.
struct BertPreTokenizer: PreTokenizer {
    func split(_ piece: TextPiece) -> [TextPiece] {
        piece.split(behavior: .removed, isDelimiter: CharacterClass.isWhitespace).flatMap {
            $0.split(behavior: .isolated, isDelimiter: CharacterClass.isPunctuation)
        }
    }
}

/// Splits on whitespace, which is dropped.
struct WhitespaceSplitPreTokenizer: PreTokenizer {
    func split(_ piece: TextPiece) -> [TextPiece] {
        piece.split(behavior: .removed, isDelimiter: CharacterClass.isWhitespace)
    }
}

/// Regex `\w+|[^\w\s]+`: runs of word characters and runs of other non-space characters.
struct WhitespacePreTokenizer: PreTokenizer {
    func split(_ piece: TextPiece) -> [TextPiece] {
        var pieces: [TextPiece] = []
        var start = 0
        var currentKind: Bool?  // true: word run, false: symbol run, nil: in whitespace
        func close(at end: Int) {
            if currentKind != nil, start < end {
                pieces.append(TextPiece(scalars: Array(piece.scalars[start..<end]),
                                        isAtStart: piece.isAtStart && start == 0))
            }
        }
        for (index, scalar) in piece.scalars.enumerated() {
            let kind: Bool? = CharacterClass.isWhitespace(scalar)
                ? nil : CharacterClass.isWordCharacter(scalar)
            if kind != currentKind {
                close(at: index)
                start = index
                currentKind = kind
            }
        }
        close(at: piece.scalars.count)
        return pieces
    }
}

/// Splits off punctuation characters with the given behaviour.
struct PunctuationPreTokenizer: PreTokenizer {
    var behavior: DelimiterBehavior

    func split(_ piece: TextPiece) -> [TextPiece] {
        piece.split(behavior: behavior, isDelimiter: CharacterClass.isPunctuation)
    }
}

/// Applies pre-tokenizers in order, each to every piece the previous one produced.
struct SequencePreTokenizer: PreTokenizer {
    var preTokenizers: [any PreTokenizer]

    func split(_ piece: TextPiece) -> [TextPiece] {
        preTokenizers.reduce([piece]) { pieces, preTokenizer in pieces.flatMap(preTokenizer.split) }
    }
}
