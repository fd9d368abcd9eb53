import Generation

/// `"acd"` in a request: `false` (off), `true` (on, the server's default α) or `{"alpha": x}`.
enum ACDOption: Decodable, Sendable, Equatable {
    case off
    case on(alpha: Float?)

    private struct Object: Decodable { var alpha: Float? }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = flag ? .on(alpha: nil) : .off
        } else {
            self = .on(alpha: try container.decode(Object.self).alpha)
        }
    }
}

/// `POST /v1/generate` request. ACD is on unless `"acd": false` (this is a safety sidecar).
struct GenerateRequest: Decodable, Sendable {
    var prompt: String
    var max_tokens: Int?
    var temperature: Float?
    var top_p: Float?
    var seed: UInt64?
    var acd: ACDOption?
    var stream: Bool?

    /// The decoding mode and sampling parameters, validated (422 with the field named otherwise).
    func resolve(defaultAlpha: Float) throws(APIError) -> (mode: ContrastiveDecoder.Mode, parameters: SamplingParameters) {
        guard !prompt.isEmpty else { throw .unprocessable("\"prompt\" is empty", code: "empty_input") }
        let mode: ContrastiveDecoder.Mode
        switch acd ?? .on(alpha: nil) {
        case .off: mode = .plain
        case let .on(alpha): mode = .contrastive(alpha: alpha ?? defaultAlpha)
        }
        let parameters = SamplingParameters(temperature: temperature ?? 0, topP: top_p ?? 1, maxTokens: max_tokens ?? 128,
                                            seed: seed ?? 0)
        do throws(GenerationError) {
            try parameters.validate()
            _ = try ContrastiveDecoder.alpha(of: mode)
        } catch {
            throw APIError.from(error)
        }
        return (mode, parameters)
    }
}

/// The `acd` object of a generation response (null for plain decoding).
struct ACDSettingsBody: Encodable, Sendable {
    var alpha: Float
    var soft_prompts: Bool
}

struct GenerateUsage: Encodable, Sendable {
    var prompt_tokens: Int
    var completion_tokens: Int
}

/// `POST /v1/generate` JSON response (and the payload of the final SSE event, without `text` repeated per token).
struct GenerateResponseBody: Encodable, Sendable {
    var text: String
    var tokens: Int
    var finish_reason: String
    var model: String
    var acd: ACDSettingsBody?
    var usage: GenerateUsage

    init(_ output: ContrastiveDecoder.Output, mode: ContrastiveDecoder.Mode, model: String, softPrompts: Bool) {
        text = output.text
        tokens = output.tokens.count
        finish_reason = output.finishReason.rawValue
        self.model = model
        if case let .contrastive(alpha) = mode { acd = ACDSettingsBody(alpha: alpha, soft_prompts: softPrompts) }
        usage = GenerateUsage(prompt_tokens: output.promptTokens, completion_tokens: output.tokens.count)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(text, forKey: .text)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(finish_reason, forKey: .finish_reason)
        try c.encode(model, forKey: .model)
        try c.encode(acd, forKey: .acd) // explicit null for plain decoding
        try c.encode(usage, forKey: .usage)
    }

    enum CodingKeys: String, CodingKey { case text, tokens, finish_reason, model, acd, usage }
}

/// One streamed token: `token` is the text this token completed, `text` everything so far, `id` the token id.
struct GenerateTokenEvent: Encodable, Sendable {
    var token: String
    var text: String
    var id: Int32?
}
