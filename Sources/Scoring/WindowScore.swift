/// One scored window of an input, for explanations: its P(unsafe) and the stretches of text it covered.
///
/// Spans are half-open ranges of Unicode scalars (code points) in the strings the caller passed: `prompt` in
/// `ScoreInput.prompt`, `response` in `ScoreInput.response`, `context` in `ScoreInput.context`. They come from
/// token offsets (see `Tokenizer.tokenizeWithOffsets`): exact to the token for WordPiece, to the word for other
/// models (a window that starts or ends inside a word then covers that whole word).
public struct WindowScore: Sendable, Equatable {
    /// P(unsafe) of this window alone; NaN when its forward pass failed.
    public var score: Double
    /// The prompt's characters in this window; nil when the window holds none of the prompt.
    public var prompt: Range<Int>?
    /// The response's characters in this window; nil for a prompt alone.
    public var response: Range<Int>?
    /// The context's characters read in front of the prompt; nil when none fitted.
    public var context: Range<Int>?
    /// (multi-head models) This window's components and category probabilities; empty for a plain classifier.
    public var components: [String: Double] = [:]
    public var categoryScores: [String: Double] = [:]

    public init(score: Double, prompt: Range<Int>?, response: Range<Int>?, context: Range<Int>? = nil) {
        self.score = score
        self.prompt = prompt
        self.response = response
        self.context = context
    }
}
