/// A pre-tokenized word and, for each of its scalars, the index of the input scalar it came from (in the
/// coordinates of the split piece's `scalars`, which are slices and need not start at 0).
struct AlignedWord {
    var word: TextPiece
    var origins: [Int]

    /// The input scalars the word covers.
    var span: Range<Int> {
        guard let lower = origins.min(), let upper = origins.max() else { return 0 ..< 0 }
        return lower ..< upper + 1
    }
}

extension PreTokenizer {
    /// For pre-tokenizers whose words are slices of the piece they split (the index is the origin).
    func splitAligned(_ piece: TextPiece) -> [AlignedWord] {
        split(piece).map { AlignedWord(word: $0, origins: Array($0.scalars.indices)) }
    }
}

extension SequencePreTokenizer {
    func splitAligned(_ piece: TextPiece) -> [AlignedWord] {
        var current = [AlignedWord(word: piece, origins: Array(piece.scalars.indices))]
        for preTokenizer in preTokenizers {
            current = current.flatMap { parent in
                let base = parent.word.scalars.startIndex
                return preTokenizer.splitAligned(parent.word).map { child in
                    AlignedWord(word: child.word, origins: child.origins.map { parent.origins[$0 - base] })
                }
            }
        }
        return current
    }
}

extension GPT2SplitPreTokenizer {
    /// GPT2Splitter splits a 0-based copy, so its words' indices are offsets from the piece's start.
    func splitAligned(_ piece: TextPiece) -> [AlignedWord] {
        let base = piece.scalars.startIndex
        return split(piece).map { AlignedWord(word: $0, origins: $0.scalars.indices.map { $0 + base }) }
    }
}

extension MetaspacePreTokenizer {
    func splitAligned(_ piece: TextPiece) -> [AlignedWord] {
        var scalars = piece.scalars.map { $0 == " " ? replacement : $0 }
        var origins = Array(piece.scalars.indices)
        if let first = scalars.first, first != replacement {
            let prepends: Bool
            switch prependScheme {
            case .always: prepends = true
            case .first: prepends = piece.isAtStart
            case .never: prepends = false
            }
            if prepends {
                scalars.insert(replacement, at: 0)
                origins.insert(origins[0], at: 0)
            }
        }
        let replaced = TextPiece(scalars: scalars[...], isAtStart: piece.isAtStart)
        guard splits else { return scalars.isEmpty ? [] : [AlignedWord(word: replaced, origins: origins)] }
        let marker = replacement
        return replaced.split(behavior: .mergedWithNext) { $0 == marker }.map { word in
            AlignedWord(word: word, origins: word.scalars.indices.map { origins[$0] })
        }
    }
}

extension ByteLevelPreTokenizer {
    /// Every byte character points at the scalar whose UTF-8 it encodes; a prefix space at the first scalar.
    func splitAligned(_ piece: TextPiece) -> [AlignedWord] {
        var scalars = Array(piece.scalars)
        var origins = Array(piece.scalars.indices)
        if addPrefixSpace, scalars.first != " " {
            scalars.insert(" ", at: 0)
            origins.insert(origins.first ?? piece.scalars.startIndex, at: 0)
        }
        let prefixed = TextPiece(scalars: scalars[...], isAtStart: piece.isAtStart)
        let words = useRegex ? GPT2Splitter.split(prefixed) : [prefixed]
        return words.map { word in
            var mapped: [Unicode.Scalar] = []
            var wordOrigins: [Int] = []
            for index in word.scalars.indices {
                for byte in String(word.scalars[index]).utf8 {
                    mapped.append(ByteLevel.characters[Int(byte)])
                    wordOrigins.append(origins[index])
                }
            }
            return AlignedWord(word: TextPiece(scalars: mapped[...], isAtStart: word.isAtStart), origins: wordOrigins)
        }
    }
}
