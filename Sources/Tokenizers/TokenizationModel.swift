/// A tokenizer.json `model`: maps one pre-tokenized word to token ids (HF tokenizers `Model`).
protocol TokenizationModel: Sendable {
    /// Appends the ids of `word` (UTF-8 bytes of valid Unicode) to `ids`.
    func tokenize(_ word: [UInt8], into ids: inout [Int32])
    func id(forToken token: String) -> Int32?
    func token(forID id: Int32) -> String?
    /// `tokenize`, plus each new token's byte range in `word` (for offsets). Models that do not track pieces give
    /// every token the whole word.
    func tokenize(_ word: [UInt8], into ids: inout [Int32], byteRanges: inout [Range<Int>])
}

extension TokenizationModel {
    func tokenize(_ word: [UInt8], into ids: inout [Int32], byteRanges: inout [Range<Int>]) {
        let before = ids.count
        tokenize(word, into: &ids)
        byteRanges += repeatElement(0 ..< word.count, count: ids.count - before)
    }
}

/// Builds the model a tokenizer.json `model` object describes.
func makeModel(_ json: JSONComponent) throws -> any TokenizationModel {
    // Old files omit `type`; tokenizers then guesses from the fields. Do the same for the two we support.
    let type = json.has("type") ? try json.type() : (json.has("continuing_subword_prefix") ? "WordPiece" : "")
    switch type {
    case "WordPiece": return try WordPieceModel(json)
    case "Unigram": return try UnigramModel(json)
    case "BPE": return try BPEModel(json)
    default: throw json.unsupported(type.isEmpty ? "(none)" : type)
    }
}
