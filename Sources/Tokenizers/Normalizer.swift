import Foundation

/// A tokenizer.json `normalizer`: rewrites text before it is split (HF tokenizers `Normalizer`).
/// Text is handled as arrays of scalars: appending to `String.UnicodeScalarView` costs ~100 ns a scalar.
protocol Normalizer: Sendable {
    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar]

    /// Whether the normalized `text` still begins at original offset 0 by tokenizers' alignment bookkeeping,
    /// which Metaspace `prepend_scheme: first` consults. Dropping the first character normally moves the start;
    /// see `PrecompiledNormalizer` for the exception.
    func keepsStart(of text: [Unicode.Scalar]) -> Bool

    /// `normalize`, plus where each output scalar came from: the range of input scalars it replaces (offsets for
    /// explanations; see `Normalizer+Alignment.swift`). The scalars are exactly `normalize(text)`.
    func normalizeAligned(_ text: [Unicode.Scalar]) -> AlignedScalars
}

extension Normalizer {
    func keepsStart(of text: [Unicode.Scalar]) -> Bool {
        guard let first = text.first else { return true }
        return !normalize([first]).isEmpty
    }

    func normalize(_ text: String) -> String {
        ScalarText.string(normalize(Array(text.unicodeScalars)))
    }
}

/// Conversions between `String` and scalar arrays that go through UTF-8 buffers (fast paths in the stdlib).
enum ScalarText {
    static func string<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.underestimatedCount)
        for scalar in scalars { utf8(scalar, into: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func utf8(_ scalar: Unicode.Scalar, into bytes: inout [UInt8]) {
        let value = scalar.value
        if value < 0x80 {
            bytes.append(UInt8(value))
        } else {
            bytes.append(contentsOf: scalar.utf8)
        }
    }
}

/// Builds the normalizer a tokenizer.json `normalizer` object describes.
func makeNormalizer(_ json: JSONComponent) throws -> any Normalizer {
    let type = try json.type()
    switch type {
    case "BertNormalizer":
        let lowercase = try json.bool("lowercase", default: true)
        return BertNormalizer(
            cleansText: try json.bool("clean_text", default: true),
            handlesChineseCharacters: try json.bool("handle_chinese_chars", default: true),
            stripsAccents: try json.optionalBool("strip_accents") ?? lowercase,  // None follows lowercase
            lowercases: lowercase)
    case "Precompiled":
        // A null charsmap (some SentencePiece conversions) normalizes nothing.
        guard let base64 = try json.optionalString("precompiled_charsmap") else {
            return SequenceNormalizer(normalizers: [])
        }
        guard let data = Data(base64Encoded: base64) else {
            throw json.invalid("precompiled_charsmap", "not valid base64")
        }
        do {
            return PrecompiledNormalizer(charsmap: try PrecompiledCharsmap(data))
        } catch let error as PrecompiledCharsmap.FormatError {
            throw json.invalid("precompiled_charsmap", error.reason)
        }
    case "Sequence":
        let children = try json.array("normalizers").enumerated().map { index, value in
            try makeNormalizer(json.child(value, named: "normalizers[\(index)]"))
        }
        return SequenceNormalizer(normalizers: children)
    case "NFC": return UnicodeFormNormalizer(form: .nfc)
    case "NFD": return UnicodeFormNormalizer(form: .nfd)
    case "NFKC": return UnicodeFormNormalizer(form: .nfkc)
    case "NFKD": return UnicodeFormNormalizer(form: .nfkd)
    case "Lowercase": return LowercaseNormalizer()
    case "StripAccents": return StripAccentsNormalizer()
    case "Strip":
        return StripNormalizer(stripsLeft: try json.bool("strip_left", default: true),
                               stripsRight: try json.bool("strip_right", default: true))
    case "Prepend":
        return PrependNormalizer(prefix: Array(try json.string("prepend").unicodeScalars))
    case "Replace":
        return try ReplaceNormalizer(json)
    default:
        throw json.unsupported(type)
    }
}
