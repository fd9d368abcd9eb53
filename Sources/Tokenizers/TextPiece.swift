/// A stretch of normalized text on its way to the model. Pieces split from one text share its storage.
struct TextPiece: Equatable {
    var scalars: ArraySlice<Unicode.Scalar>
    /// Whether the piece begins at offset 0 of the original input (Metaspace `prepend_scheme: first` asks).
    var isAtStart: Bool
}

extension TextPiece {
    /// Splits on characters matching `isDelimiter`, as tokenizers `NormalizedString::split` does with a char
    /// predicate: every delimiter character is its own match, runs of other characters one segment. Empty
    /// pieces are dropped (tokenizers `PreTokenizedString::split`).
    func split(behavior: DelimiterBehavior, isDelimiter: (Unicode.Scalar) -> Bool) -> [TextPiece] {
        // Segments as (range, isDelimiter).
        var segments: [(range: Range<Int>, isMatch: Bool)] = []
        var runStart = scalars.startIndex
        for index in scalars.indices where isDelimiter(scalars[index]) {
            if runStart < index { segments.append((runStart..<index, false)) }
            segments.append((index..<index + 1, true))
            runStart = index + 1
        }
        if runStart < scalars.endIndex { segments.append((runStart..<scalars.endIndex, false)) }

        var ranges: [Range<Int>] = []
        switch behavior {
        case .removed:
            ranges = segments.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            ranges = segments.map(\.range)
        case .contiguous:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch && previousMatch, let last = ranges.popLast() {
                    ranges.append(last.lowerBound..<segment.range.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithPrevious:
            var previousMatch = false
            for segment in segments {
                if segment.isMatch && !previousMatch, let last = ranges.popLast() {
                    ranges.append(last.lowerBound..<segment.range.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
        case .mergedWithNext:
            var previousMatch = false
            for segment in segments.reversed() {
                if segment.isMatch && !previousMatch, let last = ranges.popLast() {
                    ranges.append(segment.range.lowerBound..<last.upperBound)
                } else {
                    ranges.append(segment.range)
                }
                previousMatch = segment.isMatch
            }
            ranges.reverse()
        }
        return ranges.filter { !$0.isEmpty }.map {
            TextPiece(scalars: scalars[$0], isAtStart: isAtStart && $0.lowerBound == scalars.startIndex)
        }
    }
}
