/// Normalized scalars with, for each, the range of input scalars it came from (HF tokenizers keeps the same
/// bookkeeping in `NormalizedString::alignments`). Inserted scalars (a CJK ideograph's padding spaces, a prepended
/// string) point at the scalar they were inserted around; removed scalars simply have no output pointing at them.
struct AlignedScalars: Sendable, Equatable {
    var scalars: [Unicode.Scalar]
    /// One non-empty range per scalar, in input coordinates, never decreasing.
    var origins: [Range<Int>]

    /// The input unchanged.
    init(identity text: [Unicode.Scalar]) {
        scalars = text
        origins = text.indices.map { $0 ..< $0 + 1 }
    }

    init(scalars: [Unicode.Scalar], origins: [Range<Int>]) {
        self.scalars = scalars
        self.origins = origins
    }

    /// The input range that output scalars `range` came from.
    func origin(of range: Range<Int>) -> Range<Int> {
        guard !origins.isEmpty else { return 0 ..< 0 }
        let first = origins[min(range.lowerBound, origins.count - 1)]
        guard !range.isEmpty else { return first.lowerBound ..< first.lowerBound }
        let last = origins[min(range.upperBound - 1, origins.count - 1)]
        return first.lowerBound ..< max(first.upperBound, last.upperBound)
    }

    /// `self` applied after `earlier`: origins in `earlier`'s input coordinates.
    func composed(after earlier: AlignedScalars) -> AlignedScalars {
        AlignedScalars(scalars: scalars, origins: origins.map { earlier.origin(of: $0) })
    }
}

extension Normalizer {
    /// The generic alignment, for normalizers that act locally (all of tokenizers' except Strip, Prepend and
    /// multi-character Replace patterns): normalize each grapheme cluster on its own and keep the result only when
    /// the pieces put together equal the whole text normalized at once. Otherwise try whitespace-separated words,
    /// and as a last resort spread the output evenly over the input (offsets then approximate).
    func normalizeAligned(_ text: [Unicode.Scalar]) -> AlignedScalars {
        let whole = normalize(text)
        if whole == text { return AlignedScalars(identity: text) }
        for chunks in [Self.graphemeChunks(text), Self.wordChunks(text)] {
            if let aligned = alignByChunks(text, chunks: chunks, expected: whole) { return aligned }
        }
        return Self.proportional(whole, inputCount: text.count)
    }

    private func alignByChunks(_ text: [Unicode.Scalar], chunks: [Range<Int>], expected: [Unicode.Scalar])
        -> AlignedScalars? {
        var scalars: [Unicode.Scalar] = []
        var origins: [Range<Int>] = []
        scalars.reserveCapacity(expected.count)
        origins.reserveCapacity(expected.count)
        // Most chunks are one scalar, and text repeats its scalars: normalize each distinct one once.
        var single: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for chunk in chunks {
            let output: [Unicode.Scalar]
            if chunk.count == 1 {
                let scalar = text[chunk.lowerBound]
                if let known = single[scalar] {
                    output = known
                } else {
                    output = normalize([scalar])
                    single[scalar] = output
                }
            } else {
                output = normalize(Array(text[chunk]))
            }
            scalars += output
            origins += repeatElement(chunk, count: output.count)
            guard scalars.count <= expected.count else { return nil }
        }
        return scalars == expected ? AlignedScalars(scalars: scalars, origins: origins) : nil
    }

    /// Extended grapheme clusters, as scalar ranges.
    static func graphemeChunks(_ text: [Unicode.Scalar]) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        for character in ScalarText.string(text) {
            let count = character.unicodeScalars.count
            chunks.append(start ..< start + count)
            start += count
        }
        return chunks
    }

    /// Runs of non-whitespace with the whitespace that follows them.
    static func wordChunks(_ text: [Unicode.Scalar]) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var start = 0
        for index in text.indices.dropFirst()
        where !CharacterClass.isWhitespace(text[index]) && CharacterClass.isWhitespace(text[index - 1]) {
            chunks.append(start ..< index)
            start = index
        }
        if start < text.count { chunks.append(start ..< text.count) }
        return chunks
    }

    static func proportional(_ output: [Unicode.Scalar], inputCount: Int) -> AlignedScalars {
        guard inputCount > 0 else { return AlignedScalars(scalars: output, origins: output.map { _ in 0 ..< 0 }) }
        let origins = output.indices.map { index -> Range<Int> in
            let lower = min(inputCount - 1, index * inputCount / max(1, output.count))
            let upper = max(lower + 1, min(inputCount, (index + 1) * inputCount / max(1, output.count)))
            return lower ..< upper
        }
        return AlignedScalars(scalars: output, origins: origins)
    }
}

extension SequenceNormalizer {
    func normalizeAligned(_ text: [Unicode.Scalar]) -> AlignedScalars {
        normalizers.reduce(AlignedScalars(identity: text)) { aligned, normalizer in
            normalizer.normalizeAligned(aligned.scalars).composed(after: aligned)
        }
    }
}

extension StripNormalizer {
    func normalizeAligned(_ text: [Unicode.Scalar]) -> AlignedScalars {
        var start = 0
        var end = text.count
        if stripsLeft {
            while start < end, CharacterClass.isWhitespace(text[start]) { start += 1 }
        }
        if stripsRight {
            while end > start, CharacterClass.isWhitespace(text[end - 1]) { end -= 1 }
        }
        return AlignedScalars(scalars: Array(text[start ..< end]), origins: (start ..< end).map { $0 ..< $0 + 1 })
    }
}

extension PrependNormalizer {
    func normalizeAligned(_ text: [Unicode.Scalar]) -> AlignedScalars {
        guard !text.isEmpty else { return AlignedScalars(identity: text) }
        let identity = AlignedScalars(identity: text)
        return AlignedScalars(scalars: prefix + text,
                              origins: Array(repeating: 0 ..< 1, count: prefix.count) + identity.origins)
    }
}
