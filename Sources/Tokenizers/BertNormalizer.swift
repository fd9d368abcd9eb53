import Foundation

/// tokenizers `normalizers/bert.rs`: clean control characters, pad CJK ideographs with spaces, strip accents
/// (NFD, then drop nonspacing marks) and lowercase, in that order.
struct BertNormalizer: Normalizer {
    var cleansText: Bool
    var handlesChineseCharacters: Bool
    var stripsAccents: Bool
    var lowercases: Bool

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.count)
        for scalar in text {
            if cleansText {
                if scalar.value == 0 || scalar.value == 0xFFFD || CharacterClass.isControl(scalar) { continue }
                if CharacterClass.isWhitespace(scalar) {
                    scalars.append(" ")
                    continue
                }
            }
            if handlesChineseCharacters && CharacterClass.isChinese(scalar) {
                scalars.append(" ")
                scalars.append(scalar)
                scalars.append(" ")
            } else {
                scalars.append(scalar)
            }
        }
        if stripsAccents {
            scalars = Self.stripAccents(scalars)
        }
        if lowercases {
            scalars = LowercaseNormalizer().normalize(scalars)
        }
        return scalars
    }

    /// NFD, then remove Mn. Text below U+00C0 is its own NFD and has no marks, so it skips Foundation.
    static func stripAccents(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains(where: { $0.value >= 0xC0 }) else { return text }
        return ScalarText.string(text).decomposedStringWithCanonicalMapping.unicodeScalars.filter {
            !CharacterClass.isNonspacingMark($0)
        }
    }
}
