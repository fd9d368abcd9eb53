/// tokenizers `ByteLevel` pre-tokenizer: optionally a leading space, optionally the GPT-2 regex split, then
/// every UTF-8 byte of each word replaced by its `ByteLevel` character.
struct ByteLevelPreTokenizer: PreTokenizer {
    var addPrefixSpace: Bool
    var useRegex: Bool

    init(_ json: JSONComponent) throws {
        addPrefixSpace = try json.bool("add_prefix_space", default: true)
        useRegex = try json.bool("use_regex", default: true)
    }

    func split(_ piece: TextPiece) -> [TextPiece] {
        var piece = piece
        // A piece is a slice of the text (after a Split, not at index 0): the space goes at its own start.
        if addPrefixSpace, piece.scalars.first != " " { piece.scalars.insert(" ", at: piece.scalars.startIndex) }
        let words = useRegex ? GPT2Splitter.split(piece) : [piece]
        return words.map { word in
            var mapped: [Unicode.Scalar] = []
            mapped.reserveCapacity(word.scalars.count)
            for scalar in word.scalars {
                for byte in String(scalar).utf8 { mapped.append(ByteLevel.characters[Int(byte)]) }
            }
            return TextPiece(scalars: mapped[...], isAtStart: word.isAtStart)
        }
    }
}
