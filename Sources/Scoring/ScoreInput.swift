/// One text to judge: a prompt alone, or a prompt with the response it received.
public struct ScoreInput: Sendable, Equatable {
    public var prompt: String
    /// nil scores the prompt alone; a string (even empty) scores the pair.
    public var response: String?
    /// Earlier turns of a conversation, read in front of the prompt as far as the window leaves room (nearest turns
    /// first); they are context for judging the prompt (or pair), never scored on their own. nil: none.
    public var context: String?

    public init(prompt: String, response: String? = nil, context: String? = nil) {
        self.prompt = prompt
        self.response = response
        self.context = context
    }
}

/// The verdict on one `ScoreInput`.
public struct ScoreResult: Sendable, Equatable {
    /// P(unsafe), the maximum over windows. In [0, 1].
    public var score: Double
    public var isFlagged: Bool
    /// The threshold `isFlagged` was decided with.
    public var threshold: Double
    /// True when some input tokens were not seen by the model (truncation policy, window cap, dropped prompt head).
    public var isTruncated: Bool
    /// Content tokens of the input (prompt + response, without special tokens).
    public var tokens: Int
    /// Forward-pass windows that were scored for this input.
    public var windows: Int
    /// Probability of every model label, from the highest-scoring window, keyed by label name.
    public var labelScores: [String: Double]
    /// True when the model produced a non-finite score and the failure policy decided `isFlagged`.
    public var isDegraded: Bool
    /// (multi-head models) The components of the deciding window, e.g. `prompt_harm`, `compliance`,
    /// `response_harm`, each a probability; empty for a plain classifier. Pair-only components are left out for a
    /// prompt alone.
    public var components: [String: Double] = [:]
    /// (multi-head models) Each harm category's probability, the maximum over windows; empty for a plain classifier.
    public var categoryScores: [String: Double] = [:]
    /// (multi-head models) The categories reported true: empty unless `isFlagged` (see `OutputHeads`).
    public var flaggedCategories: [String] = []

    public init(score: Double, isFlagged: Bool, threshold: Double, isTruncated: Bool, tokens: Int, windows: Int,
                labelScores: [String: Double], isDegraded: Bool = false) {
        self.score = score
        self.isFlagged = isFlagged
        self.threshold = threshold
        self.isTruncated = isTruncated
        self.tokens = tokens
        self.windows = windows
        self.labelScores = labelScores
        self.isDegraded = isDegraded
    }

    /// Each scored window's P(unsafe) and where it lies in the input; only when the request asked to explain.
    public var windowScores: [WindowScore]? = nil
}
