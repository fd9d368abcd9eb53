/// tokenizers `Split` with the GPT-2 regex (the only pattern this port matches; others are refused at load).
struct GPT2SplitPreTokenizer: PreTokenizer {
    var behavior: DelimiterBehavior

    func split(_ piece: TextPiece) -> [TextPiece] {
        // The regex matches every character, so there are no gaps: `isolated` (what byte-level tokenizers use)
        // and the merged behaviours keep each match, `contiguous` joins them all back, `removed` drops them all.
        switch behavior {
        case .removed: return []
        case .contiguous: return piece.scalars.isEmpty ? [] : [piece]
        case .isolated, .mergedWithPrevious, .mergedWithNext: return GPT2Splitter.split(piece)
        }
    }
}
