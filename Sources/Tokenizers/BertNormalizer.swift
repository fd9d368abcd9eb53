import Foundation

/// tokenizers `normalizers/bert.rs`: clean control characters, pad CJK ideographs with spaces, strip accents
/// (NFD, then drop nonspacing marks) and lowercase, in that order.
struct BertNormalizer: Normalizer {
    var cleansText: Bool
    var handlesChineseCharacters: Bool
    var stripsAccents: Bool
    var lowercases: Bool

    func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
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
        var result = String(scalars)
        if stripsAccents {
            result = Self.stripAccents(result)
        }
        if lowercases {
            result = LowercaseNormalizer().normalize(result)
        }
        return result
    }

    /// NFD, then remove Mn. Text below U+00C0 is its own NFD and has no marks, so it skips Foundation.
    static func stripAccents(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0xC0 }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where !CharacterClass.isNonspacingMark(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
