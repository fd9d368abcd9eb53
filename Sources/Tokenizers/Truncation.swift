/// tokenizers `utils/truncation.rs: truncate_encodings` (right side, no stride), applied to the sequences before
/// special tokens are added.
enum Truncation {
    /// Shortens `first` and `second` so that together they hold at most `maxLength` tokens.
    /// Returns whether anything was removed.
    ///
    /// Where tokenizers refuses (`only_first`/`only_second` when that sequence is too short to absorb the cut, or
    /// `only_second` without a second sequence) the port falls back to `longestFirst`, so the length bound holds.
    static func truncate(_ first: inout [Int32], _ second: inout [Int32]?, maxLength: Int,
                         strategy: TruncationStrategy) -> Bool {
        let total = first.count + (second?.count ?? 0)
        guard maxLength > 0 else {
            second = second.map { _ in [] }
            first = []
            return total > 0
        }
        guard total > maxLength else { return false }
        let excess = total - maxLength
        switch strategy {
        case .onlyFirst where first.count > excess:
            first.removeLast(excess)
        case .onlySecond where (second?.count ?? 0) > excess:
            second!.removeLast(excess)
        case .longestFirst, .onlyFirst, .onlySecond:
            guard var pair = second else {
                first.removeLast(excess)
                return true
            }
            // Give the shorter sequence what it needs (up to all of it) and the longer one the rest; when even
            // that overflows, split evenly with the odd token to the longer one.
            var short = min(first.count, pair.count)
            var long = max(first.count, pair.count)
            long = short > maxLength ? short : max(short, maxLength - short)
            if short + long > maxLength {
                short = maxLength / 2
                long = short + maxLength % 2
            }
            let firstIsLonger = first.count > pair.count
            let firstLength = firstIsLonger ? long : short
            let secondLength = firstIsLonger ? short : long
            if first.count > firstLength { first.removeLast(first.count - firstLength) }
            if pair.count > secondLength { pair.removeLast(pair.count - secondLength) }
            second = pair
        }
        return true
    }
}
