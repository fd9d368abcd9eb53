/// GPT-2's reversible byte ↔ character table (tokenizers `pre_tokenizers/byte_level.rs` `bytes_char`):
/// printable bytes map to themselves, the other 68 to U+0100 upward, so every byte string is a visible string.
public enum ByteLevel {
    /// The character of each byte.
    public static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                table[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                table[byte] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte of each table character.
    public static let bytes: [Unicode.Scalar: UInt8] = {
        Dictionary(uniqueKeysWithValues: characters.enumerated().map { ($0.element, UInt8($0.offset)) })
    }()

    /// The bytes a byte-level token string stands for. Characters outside the table (e.g. in added tokens)
    /// contribute their own UTF-8.
    public static func decode(_ token: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in token.unicodeScalars {
            if let byte = bytes[scalar] { out.append(byte) } else { out.append(contentsOf: String(scalar).utf8) }
        }
        return out
    }
}
