import Foundation
@testable import Tokenizers

/// Builds tokenizers from literal tokenizer.json text.
enum TokenizerJSON {
    static func make(_ json: String, path: String = "inline.json") throws -> Tokenizer {
        try Tokenizer(data: Data(json.utf8), path: path)
    }

    /// A minimal WordPiece tokenizer.json around `vocab` (token → id), with optional component JSON.
    static func wordPiece(vocab: [(String, Int)], normalizer: String = "null", preTokenizer: String = #"{"type": "WhitespaceSplit"}"#,
                          postProcessor: String = "null", addedTokens: String = "[]", maxChars: Int = 100) -> String {
        let entries = vocab.map { "\(quoted($0.0)): \($0.1)" }.joined(separator: ", ")
        return """
            {"version": "1.0", "added_tokens": \(addedTokens), "normalizer": \(normalizer),
             "pre_tokenizer": \(preTokenizer), "post_processor": \(postProcessor),
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": \(maxChars), "vocab": {\(entries)}}}
            """
    }

    /// A minimal Unigram tokenizer.json around `vocab` (piece, score).
    static func unigram(vocab: [(String, Double)], unkID: Int?, byteFallback: Bool = false,
                        preTokenizer: String = "null") -> String {
        let entries = vocab.map { "[\(quoted($0.0)), \($0.1)]" }.joined(separator: ", ")
        return """
            {"version": "1.0", "added_tokens": [], "normalizer": null, "pre_tokenizer": \(preTokenizer),
             "post_processor": null,
             "model": {"type": "Unigram", "unk_id": \(unkID.map(String.init) ?? "null"),
                       "byte_fallback": \(byteFallback), "vocab": [\(entries)]}}
            """
    }

    /// A JSON string literal with every non-ASCII scalar escaped, so the bytes are exactly the scalars given.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.isASCII && scalar.value >= 0x20: out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out + "\""
    }
}

/// SplitMix64: a seeded generator for reproducible random inputs (no global RNG).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
