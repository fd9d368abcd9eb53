/// tokenizers `Digits`: isolates numeric characters, one by one or as runs.
struct DigitsPreTokenizer: PreTokenizer {
    var individualDigits: Bool

    func split(_ piece: TextPiece) -> [TextPiece] {
        let isNumeric = { (s: Unicode.Scalar) in GPT2Splitter.kind(s) == .number }
        return piece.split(behavior: individualDigits ? .isolated : .contiguous, isDelimiter: isNumeric)
    }
}
