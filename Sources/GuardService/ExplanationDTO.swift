import Scoring

/// `"explanation"` in a `/v1/score` result (`"explain": true`): every scored window's P(unsafe) and the characters
/// it read, so a person can see which part of a long input drove the score.
///
/// Offsets are Unicode code points (Python string indices; JavaScript `Array.from(text)` indices), half-open, and
/// exact to the token for WordPiece tokenizers and to the word for others. For `prompt`/`response`
/// requests they index those strings; for `messages` requests each window lists the message texts it read
/// (`index` into `messages`; text parts count as joined by newlines).
struct ExplanationBody: Encodable, Sendable {
    struct Span: Encodable, Sendable {
        var start: Int
        var end: Int

        init(_ range: Range<Int>) {
            start = range.lowerBound
            end = range.upperBound
        }
    }

    struct MessageSpan: Encodable, Sendable {
        var index: Int
        var start: Int
        var end: Int
    }

    struct Window: Encodable, Sendable {
        /// nil when the window's forward pass failed (the result is then `degraded`).
        var score: Double?
        var prompt: Span?
        var response: Span?
        var messages: [MessageSpan]?
        /// (multi-head models) This window's components and category probabilities.
        var components: [String: Double]?
        var categoryScores: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case score, prompt, response, messages, components
            case categoryScores = "category_scores"
        }
    }

    var windows: [Window]
    /// For `messages` requests: which message was judged as the prompt, and which as the response.
    var promptMessage: Int?
    var responseMessage: Int?

    private enum CodingKeys: String, CodingKey {
        case windows
        case promptMessage = "prompt_message"
        case responseMessage = "response_message"
    }

    init(_ windowScores: [WindowScore], layout: Conversation.Layout?) {
        promptMessage = layout?.promptMessage
        responseMessage = layout?.responseMessage
        windows = windowScores.map { window in
            let score = window.score.isFinite ? window.score : nil
            let components = window.components.isEmpty ? nil : window.components
            let categoryScores = window.categoryScores.isEmpty ? nil : window.categoryScores
            guard let layout else {
                return Window(score: score, prompt: window.prompt.map(Span.init),
                              response: window.response.map(Span.init), components: components,
                              categoryScores: categoryScores)
            }
            var spans: [MessageSpan] = []
            if let context = window.context {
                for (index, range) in layout.contextMessages where range.overlaps(context) {
                    let read = range.clamped(to: context)
                    spans.append(MessageSpan(index: index, start: read.lowerBound - range.lowerBound,
                                             end: read.upperBound - range.lowerBound))
                }
            }
            if let prompt = window.prompt {
                spans.append(MessageSpan(index: layout.promptMessage, start: prompt.lowerBound, end: prompt.upperBound))
            }
            if let response = window.response, let message = layout.responseMessage {
                spans.append(MessageSpan(index: message, start: response.lowerBound, end: response.upperBound))
            }
            spans.sort { $0.index < $1.index }
            return Window(score: score, messages: spans, components: components, categoryScores: categoryScores)
        }
    }
}

extension ScoreResultBody {
    /// The body of `result`, with its explanation when the scorer made one (`layout`: the input's conversation).
    init(_ result: ScoreResult, model: String?, layout: Conversation.Layout?) {
        self.init(result, model: model)
        explanation = result.windowScores.map { ExplanationBody($0, layout: layout) }
    }
}
