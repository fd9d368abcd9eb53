import Scoring

/// `POST /v1/score` request: one pair (`prompt`, optional `response`) or a batch (`inputs`), optional `threshold`.
struct ScoreRequest: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var prompt: String?
        var response: String?
        /// A conversation instead of prompt/response (see `Conversation`).
        var messages: [ConversationMessage]?
    }

    var prompt: String?
    var response: String?
    var inputs: [Item]?
    var threshold: Double?
    /// Adds the adversarial-contrastive-decoding evidence (`acd` per result); needs `--causal-model`.
    var acd: Bool?
    /// A conversation (OpenAI chat messages) instead of prompt/response: its last turn is judged in context.
    var messages: [ConversationMessage]?
    /// Adds `explanation` per result: every window's score and the characters it read.
    var explain: Bool?

    /// The inputs to score, and whether the caller used the batch form.
    func scoreInputs() throws(APIError) -> (inputs: [ScoreInput], isBatch: Bool) {
        if let inputs {
            guard prompt == nil, response == nil else {
                throw .unprocessable("send either \"prompt\" (with optional \"response\") or \"inputs\", not both")
            }
            guard !inputs.isEmpty else { throw .unprocessable("\"inputs\" is empty", code: "empty_input") }
            var result: [ScoreInput] = []
            result.reserveCapacity(inputs.count)
            for (index, item) in inputs.enumerated() {
                guard let prompt = item.prompt else {
                    throw .unprocessable("inputs[\(index)].prompt is required", code: "missing_field")
                }
                result.append(ScoreInput(prompt: prompt, response: item.response))
            }
            return (result, true)
        }
        guard let prompt else {
            throw .unprocessable("\"prompt\" is required (or \"messages\", or \"inputs\" for a batch)",
                                 code: "missing_field")
        }
        return ([ScoreInput(prompt: prompt, response: response)], false)
    }
}

/// One verdict in a `/v1/score` response.
struct ScoreResultBody: Encodable, Sendable {
    var score: Double
    var flagged: Bool
    var threshold: Double
    var truncated: Bool
    var tokens: Int
    var windows: Int
    var labels: [String: Double]
    var degraded: Bool
    var model: String?
    /// (multi-head models) Why: the deciding window's prompt harm, and for pairs compliance and response harm.
    var components: [String: Double]?
    /// (multi-head models) The categories reported true (none unless flagged), and every category's probability.
    var categories: [String]?
    var categoryScores: [String: Double]?
    /// Present only when the request asked for `"acd": true`.
    var acd: ACDScoreBody?
    /// Present only when the request asked for `"explain": true`.
    var explanation: ExplanationBody?

    enum CodingKeys: String, CodingKey {
        case score, flagged, threshold, truncated, tokens, windows, labels, degraded, model, components, categories, acd
        case explanation
        case categoryScores = "category_scores"
    }

    init(_ result: ScoreResult, model: String?) {
        score = result.score
        flagged = result.isFlagged
        threshold = result.threshold
        truncated = result.isTruncated
        tokens = result.tokens
        windows = result.windows
        labels = result.labelScores
        degraded = result.isDegraded
        self.model = model
        if !result.components.isEmpty || !result.categoryScores.isEmpty {
            components = result.components
            categories = result.flaggedCategories
            categoryScores = result.categoryScores
        }
    }
}

/// The batch form's response.
struct ScoreBatchBody: Encodable, Sendable {
    var results: [ScoreResultBody]
    var model: String
}
