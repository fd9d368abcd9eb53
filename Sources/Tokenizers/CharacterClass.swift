/// Character predicates with the exact semantics HF tokenizers (Rust) uses, so that splits and cleaning agree.
enum CharacterClass {
    /// Rust `char::is_whitespace`: the Unicode White_Space property.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// tokenizers `normalizers/bert.rs: is_control`: Cc/Cf/Co except tab, newline and carriage return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x20...0x7E: return false
        default: return contains(UnicodeTables.other, scalar.value)
        }
    }

    /// tokenizers `pre_tokenizers/bert.rs: is_bert_punc`: ASCII punctuation or Unicode P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value) || (0x5B...0x60).contains(value)
                || (0x7B...0x7E).contains(value)
        }
        return contains(UnicodeTables.punctuation, value)
    }

    /// General category Mn as tokenizers' `is_mark_nonspacing` sees it.
    static func isNonspacingMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && contains(UnicodeTables.nonspacingMark, scalar.value)
    }

    /// tokenizers `normalizers/bert.rs: is_chinese_char`: the CJK Unified Ideograph blocks BERT pads with spaces.
    static func isChinese(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x3400 { return false }
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// A combining mark as tokenizers' `StripAccents` normalizer removes it.
    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && contains(UnicodeTables.combiningMark, scalar.value)
    }

    /// Regex `\w` as tokenizers' regex engine sees it (the `Whitespace` pre-tokenizer's `\w+|[^\w\s]+`).
    static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
                || value == 0x5F
        }
        return contains(UnicodeTables.word, value)
    }

    /// Regex `\s` as tokenizers' regex engine sees it.
    static func isRegexWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        contains(UnicodeTables.regexWhitespace, scalar.value)
    }

    /// Binary search in sorted, disjoint ranges.
    static func contains(_ table: [ClosedRange<UInt32>], _ value: UInt32) -> Bool {
        var low = 0
        var high = table.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = table[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}
