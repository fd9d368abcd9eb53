import Foundation

// The small normalizers of HF tokenizers `normalizers/{utils,unicode,strip,replace,prepend}.rs`.

/// Applies normalizers in order.
struct SequenceNormalizer: Normalizer {
    var normalizers: [any Normalizer]

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        normalizers.reduce(text) { $1.normalize($0) }
    }

    func keepsStart(of text: [Unicode.Scalar]) -> Bool {
        var current = text
        for normalizer in normalizers {
            guard normalizer.keepsStart(of: current) else { return false }
            current = normalizer.normalize(current)
        }
        return true
    }
}

/// NFC, NFD, NFKC or NFKD through Foundation.
struct UnicodeFormNormalizer: Normalizer {
    enum Form: Sendable { case nfc, nfd, nfkc, nfkd }
    var form: Form

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        // ASCII is invariant under every normalization form.
        guard text.contains(where: { !$0.isASCII }) else { return text }
        let string = ScalarText.string(text)
        switch form {
        case .nfc: return Array(string.precomposedStringWithCanonicalMapping.unicodeScalars)
        case .nfd: return Array(string.decomposedStringWithCanonicalMapping.unicodeScalars)
        case .nfkc: return Array(string.precomposedStringWithCompatibilityMapping.unicodeScalars)
        case .nfkd: return Array(string.decomposedStringWithCompatibilityMapping.unicodeScalars)
        }
    }
}

/// Per-character full lowercase mapping (Rust `char::to_lowercase`; no final-sigma context).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        for scalar in text {
            let value = scalar.value
            if value < 0x80 {
                scalars.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            } else if scalar.properties.changesWhenLowercased {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                scalars.append(scalar)
            }
        }
        return scalars
    }
}

/// Removes combining marks (meant to follow an NFD or NFKD normalizer).
struct StripAccentsNormalizer: Normalizer {
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.filter { !CharacterClass.isCombiningMark($0) }
    }
}

/// Trims Unicode whitespace at either end.
struct StripNormalizer: Normalizer {
    var stripsLeft: Bool
    var stripsRight: Bool

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var start = 0
        var end = text.count
        if stripsLeft {
            while start < end, CharacterClass.isWhitespace(text[start]) { start += 1 }
        }
        if stripsRight {
            while end > start, CharacterClass.isWhitespace(text[end - 1]) { end -= 1 }
        }
        return Array(text[start..<end])
    }
}

/// Prepends a string to non-empty text (tokenizers `Prepend`).
struct PrependNormalizer: Normalizer {
    var prefix: [Unicode.Scalar]

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        text.isEmpty ? text : prefix + text
    }
}

/// Replaces every match of a literal or regular-expression pattern (tokenizers `Replace`).
/// `NSRegularExpression` is immutable after creation and documented thread-safe, hence `@unchecked Sendable`.
struct ReplaceNormalizer: Normalizer, @unchecked Sendable {
    private let literal: [Unicode.Scalar]?
    private let regex: NSRegularExpression?
    /// `X{n,}` for a single literal scalar X (SentencePiece conversions use `" {2,}"`): done without ICU.
    private let run: (scalar: Unicode.Scalar, minimum: Int)?
    private let content: [Unicode.Scalar]

    init(_ json: JSONComponent) throws {
        let pattern = try json.object("pattern")
        content = Array(try json.string("content").unicodeScalars)
        if pattern.has("String") {
            literal = Array(try pattern.string("String").unicodeScalars)
            regex = nil
            run = nil
        } else if pattern.has("Regex") {
            let source = try pattern.string("Regex")
            run = Self.runPattern(source)
            do {
                regex = try NSRegularExpression(pattern: source)
            } catch {
                throw pattern.invalid("Regex", "cannot compile /\(source)/: \(error)")
            }
            literal = nil
        } else {
            throw pattern.missing("String")
        }
    }

    /// Recognizes `X{n,}` with X a scalar that is not a regex metacharacter.
    private static func runPattern(_ source: String) -> (scalar: Unicode.Scalar, minimum: Int)? {
        let scalars = Array(source.unicodeScalars)
        guard scalars.count >= 5, scalars[1] == "{", scalars[scalars.count - 2] == ",", scalars.last == "}",
              !"\\^$.|?*+()[]{}".unicodeScalars.contains(scalars[0]),
              let minimum = Int(ScalarText.string(scalars[2..<scalars.count - 2])), minimum >= 1 else { return nil }
        return (scalars[0], minimum)
    }

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if let run {
            var scalars: [Unicode.Scalar] = []
            scalars.reserveCapacity(text.count)
            var index = 0
            while index < text.count {
                guard text[index] == run.scalar else {
                    scalars.append(text[index])
                    index += 1
                    continue
                }
                var end = index
                while end < text.count, text[end] == run.scalar { end += 1 }
                if end - index >= run.minimum {
                    scalars.append(contentsOf: content)
                } else {
                    scalars.append(contentsOf: text[index..<end])
                }
                index = end
            }
            return scalars
        }
        if let regex {
            let string = ScalarText.string(text)
            let range = NSRange(string.startIndex..., in: string)
            guard regex.firstMatch(in: string, range: range) != nil else { return text }
            let template = NSRegularExpression.escapedTemplate(for: ScalarText.string(content))
            return Array(regex.stringByReplacingMatches(in: string, range: range, withTemplate: template).unicodeScalars)
        }
        guard let literal, let head = literal.first else { return text }
        // Literal, left to right, non-overlapping; compared by scalars (not canonical equivalence).
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == head, index + literal.count <= text.count,
               text[index..<index + literal.count].elementsEqual(literal) {
                scalars.append(contentsOf: content)
                index += literal.count
            } else {
                scalars.append(text[index])
                index += 1
            }
        }
        return scalars
    }
}
