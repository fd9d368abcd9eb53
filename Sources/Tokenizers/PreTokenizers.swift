// The pre-tokenizers of HF tokenizers `pre_tokenizers/{bert,whitespace,punctuation,sequence}.rs`.

/// Splits on whitespace (removed), then isolates every punctuation character; one pass, no intermediate pieces.
struct BertPreTokenizer: PreTokenizer {
    func split(_ piece: TextPiece) -> [TextPiece] {
        let scalars = piece.scalars
        var pieces: [TextPiece] = []
        var wordStart = scalars.startIndex
        func emit(_ range: Range<Int>) {
            if !range.isEmpty {
                pieces.append(TextPiece(scalars: scalars[range],
                                        isAtStart: piece.isAtStart && range.lowerBound == scalars.startIndex))
            }
        }
        for index in scalars.indices {
            let scalar = scalars[index]
            if CharacterClass.isWhitespace(scalar) {
                emit(wordStart..<index)
                wordStart = index + 1
            } else if CharacterClass.isPunctuation(scalar) {
                emit(wordStart..<index)
                emit(index..<index + 1)
                wordStart = index + 1
            }
        }
        emit(wordStart..<scalars.endIndex)
        return pieces
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
        let scalars = piece.scalars
        var start = scalars.startIndex
        var currentKind: Bool?  // true: word run, false: symbol run, nil: in whitespace
        func close(at end: Int) {
            if currentKind != nil, start < end {
                pieces.append(TextPiece(scalars: scalars[start..<end],
                                        isAtStart: piece.isAtStart && start == scalars.startIndex))
            }
        }
        for index in scalars.indices {
            let scalar = scalars[index]
            let kind: Bool? = CharacterClass.isRegexWhitespace(scalar)
                ? nil : CharacterClass.isWordCharacter(scalar)
            if kind != currentKind {
                close(at: index)
                start = index
                currentKind = kind
            }
        }
        close(at: scalars.endIndex)
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

    var tracksStart: Bool {
        preTokenizers.contains { $0.tracksStart }
    }
}
