/// tokenizers `normalizers/precompiled.rs`: SentencePiece normalization through a precompiled charsmap.
/// Walks extended grapheme clusters; a cluster under 6 UTF-8 bytes is replaced whole when the map knows (a prefix
/// of) it, otherwise each character is looked up on its own. This mirrors tokenizers' behaviour exactly, quirks
/// included, since DeBERTa-v3 vocabularies were built against it.
struct PrecompiledNormalizer: Normalizer {
    let charsmap: PrecompiledCharsmap
    /// Replacement of each ASCII byte on its own (nil: unchanged), so ASCII text skips grapheme breaking.
    private let asciiReplacements: [[UInt8]?]

    init(charsmap: PrecompiledCharsmap) {
        self.charsmap = charsmap
        asciiReplacements = (0..<128).map { byte in charsmap.replacement(for: [UInt8(byte)]).map(Array.init) }
    }

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let text = ScalarText.string(scalars)
        let utf8 = text.utf8
        var output = [UInt8]()
        output.reserveCapacity(utf8.count)
        var position = utf8.startIndex
        while position < utf8.endIndex {
            let byte = utf8[position]
            let next = utf8.index(after: position)
            // An ASCII byte followed by another ASCII byte (or the end) is a grapheme of its own, except CR LF
            // (UAX #29 GB3; every other rule that joins needs a non-ASCII scalar after it).
            if byte < 0x80 && (next == utf8.endIndex || (utf8[next] < 0x80 && !(byte == 0x0D && utf8[next] == 0x0A))) {
                if let replacement = asciiReplacements[Int(byte)] {
                    output.append(contentsOf: replacement)
                } else {
                    output.append(byte)
                }
                position = next
                continue
            }
            // `position` is a grapheme boundary: everything before it was consumed whole.
            guard let grapheme = text[position...].first else { break }
            let bytes = Array(grapheme.utf8)
            position = utf8.index(position, offsetBy: bytes.count)
            if bytes.count < 6, let replacement = charsmap.replacement(for: bytes) {
                output.append(contentsOf: replacement)
                continue
            }
            for scalar in grapheme.unicodeScalars {
                let scalarBytes = Array(scalar.utf8)
                if let replacement = charsmap.replacement(for: scalarBytes) {
                    output.append(contentsOf: replacement)
                } else {
                    output.append(contentsOf: scalarBytes)
                }
            }
        }
        return Array(String(decoding: output, as: UTF8.self).unicodeScalars)
    }

    /// tokenizers' `precompiled.rs: replace` attaches a removal to the previous character; a removal at the very
    /// start has none, so the alignment, and with it the start offset, does not move.
    func keepsStart(of text: [Unicode.Scalar]) -> Bool {
        true
    }
}
