import Foundation

// The small normalizers of HF tokenizers `normalizers/{utils,unicode,strip,replace,prepend}.rs`.

/// Applies normalizers in order.
struct SequenceNormalizer: Normalizer {
    var normalizers: [any Normalizer]

    func normalize(_ text: String) -> String {
        normalizers.reduce(text) { $1.normalize($0) }
    }

    func keepsStart(of text: String) -> Bool {
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

    func normalize(_ text: String) -> String {
        // ASCII is invariant under every normalization form.
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        switch form {
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        }
    }
}

/// Per-character full lowercase mapping (Rust `char::to_lowercase`; no final-sigma context).
struct LowercaseNormalizer: Normalizer {
    func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let v = scalar.value
                scalars.append((v >= 0x41 && v <= 0x5A) ? Unicode.Scalar(v + 0x20)! : scalar)
            } else {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(scalars)
    }
}

/// Removes combining marks (meant to follow an NFD or NFKD normalizer).
struct StripAccentsNormalizer: Normalizer {
    func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !CharacterClass.isCombiningMark(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }
}

/// Trims Unicode whitespace at either end.
struct StripNormalizer: Normalizer {
    var stripsLeft: Bool
    var stripsRight: Bool

    func normalize(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        if stripsLeft {
            while let first = scalars.first, CharacterClass.isWhitespace(first) { scalars.removeFirst() }
        }
        if stripsRight {
            while let last = scalars.last, CharacterClass.isWhitespace(last) { scalars.removeLast() }
        }
        return String(String.UnicodeScalarView(scalars))
    }
}

/// Prepends a string to non-empty text (tokenizers `Prepend`).
struct PrependNormalizer: Normalizer {
    var prefix: String

    func normalize(_ text: String) -> String {
        text.isEmpty ? text : prefix + text
    }
}

/// Replaces every match of a literal or regular-expression pattern (tokenizers `Replace`).
/// `NSRegularExpression` is immutable after creation and documented thread-safe, hence `@unchecked Sendable`.
struct ReplaceNormalizer: Normalizer, @unchecked Sendable {
    private let literal: [Unicode.Scalar]?
    private let regex: NSRegularExpression?
    private let content: String

    init(_ json: JSONComponent) throws {
        let pattern = try json.object("pattern")
        content = try json.string("content")
        if pattern.has("String") {
            literal = Array(try pattern.string("String").unicodeScalars)
            regex = nil
        } else if pattern.has("Regex") {
            let source = try pattern.string("Regex")
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

    func normalize(_ text: String) -> String {
        if let regex {
            let range = NSRange(text.startIndex..., in: text)
            return regex.stringByReplacingMatches(in: text, range: range,
                                                  withTemplate: NSRegularExpression.escapedTemplate(for: content))
        }
        guard let literal, !literal.isEmpty else { return text }
        // Literal, left to right, non-overlapping; compared by scalars (not canonical equivalence).
        let source = Array(text.unicodeScalars)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < source.count {
            if source[index] == literal[0], index + literal.count <= source.count,
               source[index..<index + literal.count].elementsEqual(literal) {
                scalars.append(contentsOf: content.unicodeScalars)
                index += literal.count
            } else {
                scalars.append(source[index])
                index += 1
            }
        }
        return String(scalars)
    }
}
