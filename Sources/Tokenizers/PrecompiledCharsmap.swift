import Foundation

/// SentencePiece's precompiled normalization map (`normalizer_spec.precompiled_charsmap`, as DeBERTa-v3 and
/// mDeBERTa ship it in tokenizer.json): a Darts double-array trie over UTF-8 keys whose values index a table of
/// NUL-terminated replacement strings. Layout (sentencepiece `normalizer.cc: DecodePrecompiledCharsMap`):
/// `u32 LE trie_size` (bytes) | trie units `[trie_size / 4] u32 LE` | normalized strings.
struct PrecompiledCharsmap: Sendable {
    struct FormatError: Error {
        let reason: String
    }

    private let units: [UInt32]
    private let normalized: [UInt8]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 4 else { throw FormatError(reason: "shorter than its 4-byte header") }
        let trieSize = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16 | Int(bytes[3]) << 24
        guard trieSize % 4 == 0, trieSize >= 4, 4 + trieSize <= bytes.count else {
            throw FormatError(reason: "trie size \(trieSize) does not fit in \(bytes.count) bytes")
        }
        var units = [UInt32]()
        units.reserveCapacity(trieSize / 4)
        for offset in stride(from: 4, to: 4 + trieSize, by: 4) {
            units.append(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                         | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        self.units = units
        self.normalized = Array(bytes[(4 + trieSize)...])
    }

    // Darts-clone unit fields (spm_precompiled `Unit`).
    private static func hasLeaf(_ unit: UInt32) -> Bool { (unit >> 8) & 1 == 1 }
    private static func value(_ unit: UInt32) -> Int { Int(unit & ((1 << 31) - 1)) }
    private static func label(_ unit: UInt32) -> UInt32 { unit & ((1 << 31) | 0xFF) }
    private static func offset(_ unit: UInt32) -> Int { Int((unit >> 10) << ((unit & (1 << 9)) >> 6)) }

    /// The replacement for `key`, chosen as tokenizers does: the value of the *shortest* key prefix in the trie
    /// (`common_prefix_search(..)[0]`), or nil when no prefix is present.
    func replacement(for key: [UInt8]) -> ArraySlice<UInt8>? {
        guard !units.isEmpty else { return nil }
        var position = Self.offset(units[0])
        for byte in key {
            if byte == 0 { break }
            position ^= Int(byte)
            guard position < units.count else { return nil }
            let unit = units[position]
            guard Self.label(unit) == UInt32(byte) else { return nil }
            position ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard position < units.count else { return nil }
                let start = Self.value(units[position])
                guard start < normalized.count else { return nil }
                let end = normalized[start...].firstIndex(of: 0) ?? normalized.count
                return normalized[start..<end]
            }
        }
        return nil
    }
}
