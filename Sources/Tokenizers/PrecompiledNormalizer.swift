/// tokenizers `normalizers/precompiled.rs`: SentencePiece normalization through a precompiled charsmap.
/// Walks extended grapheme clusters; a cluster under 6 UTF-8 bytes is replaced whole when the map knows (a prefix
/// of) it, otherwise each character is looked up on its own. This mirrors tokenizers' behaviour exactly, quirks
/// included, since DeBERTa-v3 vocabularies were built against it.
struct PrecompiledNormalizer: Normalizer {
    let charsmap: PrecompiledCharsmap

    func normalize(_ text: String) -> String {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count)
        for grapheme in text {
            let bytes = grapheme.utf8
            if bytes.count < 6, let replacement = charsmap.replacement(for: bytes) {
                output.append(contentsOf: replacement)
                continue
            }
            for scalar in grapheme.unicodeScalars {
                let scalarBytes = scalar.utf8
                if let replacement = charsmap.replacement(for: scalarBytes) {
                    output.append(contentsOf: replacement)
                } else {
                    output.append(contentsOf: scalarBytes)
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// tokenizers' `precompiled.rs: replace` attaches a removal to the previous character; a removal at the very
    /// start has none, so the alignment, and with it the start offset, does not move.
    func keepsStart(of text: String) -> Bool {
        true
    }
}
