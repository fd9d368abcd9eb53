/// The model input for one text or text pair: token ids with their segment (token type) ids.
public struct Encoding: Sendable, Equatable {
    /// Token ids, special tokens included when they were asked for.
    public var ids: [Int32]
    /// Segment ids, one per token (0 for the first sequence, 1 for the second in BERT-style templates).
    public var typeIds: [Int32]
    /// Whether truncation dropped any token.
    public var isTruncated: Bool

    public init(ids: [Int32], typeIds: [Int32], isTruncated: Bool = false) {
        self.ids = ids
        self.typeIds = typeIds
        self.isTruncated = isTruncated
    }
}

/// How `Tokenizer.encode` shortens a text or pair to fit `maxLength`; the strategies of HF tokenizers.
public enum TruncationStrategy: Sendable {
    /// Take tokens from the longer sequence until both fit (HF `longest_first`).
    case longestFirst
    /// Take tokens only from the first sequence (HF `only_first`).
    case onlyFirst
    /// Take tokens only from the second sequence (HF `only_second`).
    case onlySecond
}
