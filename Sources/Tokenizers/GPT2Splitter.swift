/// A hand-written matcher for GPT-2's pre-tokenization regex, as tokenizers (Oniguruma) runs it:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order at each position (leftmost-first). `\s` is Unicode White_Space.
enum GPT2Splitter {
    /// The regex source, as it appears in tokenizer.json `Split` patterns.
    static let pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#

    enum Kind: Equatable { case letter, number, space, other }

    static func kind(_ s: Unicode.Scalar) -> Kind {
        if s.properties.isWhitespace { return .space }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// The ranges the regex matches, covering `scalars` entirely (every character matches some alternative).
    static func ranges(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        let kinds = scalars.map(kind)
        let n = scalars.count
        var out: [Range<Int>] = []
        var i = 0
        func run(from start: Int, of k: Kind) -> Int {
            var j = start
            while j < n && kinds[j] == k { j += 1 }
            return j
        }
        while i < n {
            if scalars[i] == "'", let length = contraction(scalars, at: i) {
                out.append(i..<(i + length)); i += length; continue
            }
            // " ?X+" where X is letters, numbers or other (non-space) characters.
            let hasSpace = scalars[i] == " " && i + 1 < n && kinds[i + 1] != .space
            let start = hasSpace ? i + 1 : i
            if kinds[start] != .space {
                let end = run(from: start, of: kinds[start])
                out.append(i..<end); i = end; continue
            }
            // Whitespace: \s+(?!\S) takes the run but the last character when a non-space follows; a lone
            // whitespace character before a non-space falls to \s+.
            let end = run(from: i, of: .space)
            if end == n || end - i == 1 {
                out.append(i..<end); i = end
            } else {
                out.append(i..<(end - 1)); i = end - 1
            }
        }
        return out
    }

    /// Length of the contraction at `i` ('s 't 're 've 'm 'll 'd, lower case only), if any.
    static func contraction(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        guard i + 1 < s.count else { return nil }
        switch s[i + 1] {
        case "s", "t", "m", "d": return 2
        case "r" where i + 2 < s.count && s[i + 2] == "e": return 3
        case "v" where i + 2 < s.count && s[i + 2] == "e": return 3
        case "l" where i + 2 < s.count && s[i + 2] == "l": return 3
        default: return nil
        }
    }

    static func split(_ piece: TextPiece) -> [TextPiece] {
        // TextPiece holds a slice (not 0-based); split a 0-based copy.
        let scalars = Array(piece.scalars)
        return ranges(scalars).map {
            TextPiece(scalars: scalars[$0], isAtStart: piece.isAtStart && $0.lowerBound == 0)
        }
    }
}
