import Foundation
import Generation

/// One message of an OpenAI chat request. `content` is a string, an array of parts (the text parts are joined;
/// other parts are refused) or null (an assistant turn that only called tools).
struct ChatMessageDTO: Decodable, Sendable {
    var role: String
    var content: String

    private enum CodingKeys: String, CodingKey { case role, content }
    private struct Part: Decodable {
        var type: String
        var text: String?
    }

    init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if try container.decodeNil(forKey: .content) {
            content = ""
        } else if let text = try? container.decode(String.self, forKey: .content) {
            content = text
        } else {
            let parts = try container.decode([Part].self, forKey: .content)
            guard parts.allSatisfy({ $0.type == "text" }) else {
                throw APIError.unprocessable("only text content parts are supported", code: "unsupported_content")
            }
            content = parts.compactMap(\.text).joined(separator: "\n")
        }
    }
}

/// The fields of `POST /v1/chat/completions` that Rampart reads. The proxy forwards the original body unchanged;
/// the local generator uses the sampling fields.
struct ChatCompletionRequest: Decodable, Sendable {
    struct StreamOptions: Decodable, Sendable { var include_usage: Bool? }

    var model: String?
    var messages: [ChatMessageDTO]
    var stream: Bool?
    var stream_options: StreamOptions?
    var max_tokens: Int?
    var max_completion_tokens: Int?
    var temperature: Float?
    var top_p: Float?
    var seed: UInt64?
    var n: Int?
    /// Rampart's extension for the local generator, as on `/v1/generate`: false, true or `{"alpha": x}`.
    var acd: ACDOption?

    var isStreaming: Bool { stream == true }

    /// The texts the input rail judges: the last user turn with earlier user and assistant turns before it as
    /// context (at most `contextCharacters` of their tail, so that both usually share one guard window), and the
    /// last user turn alone. System messages are the application's, not the user's: left out.
    func railPrompt(contextCharacters: Int) throws(APIError) -> (prompt: String, lastUserTurn: String) {
        guard let last = messages.lastIndex(where: { $0.role == "user" }) else {
            throw .unprocessable("\"messages\" has no user message", code: "missing_field")
        }
        let turn = messages[last].content
        let earlier = messages[..<last].filter { $0.role == "user" || $0.role == "assistant" }.map(\.content)
            .filter { !$0.isEmpty }
        guard !earlier.isEmpty, contextCharacters > 0 else { return (turn, turn) }
        let context = earlier.joined(separator: "\n")
        let tail = context.unicodeScalars.count > contextCharacters
            ? String(context.unicodeScalars.suffix(contextCharacters)) : context
        return (tail + "\n" + turn, turn)
    }

    /// Validated decoding mode and sampling parameters for the local generator (422 naming the field otherwise).
    func resolve(defaultAlpha: Float) throws(APIError) -> (mode: ContrastiveDecoder.Mode, parameters: SamplingParameters) {
        guard !messages.isEmpty else { throw .unprocessable("\"messages\" is empty", code: "empty_input") }
        if let n, n != 1 { throw .unprocessable("only n = 1 is supported", code: "invalid_value") }
        for message in messages where !["system", "user", "assistant", "developer"].contains(message.role) {
            throw .unprocessable("message role \"\(message.role)\" is not supported (system, user, assistant)",
                                 code: "invalid_value")
        }
        let request = GenerateRequest(prompt: "-", max_tokens: max_completion_tokens ?? max_tokens,
                                      temperature: temperature, top_p: top_p, seed: seed, acd: acd, stream: stream)
        return try request.resolve(defaultAlpha: defaultAlpha)
    }

    /// The conversation for the chat template (`developer` is OpenAI's newer name for `system`).
    var conversation: [ChatMessage] {
        messages.map { ChatMessage(role: $0.role == "developer" ? "system" : $0.role, content: $0.content) }
    }
}

/// `usage` of a chat completion.
struct ChatUsage: Codable, Sendable {
    var prompt_tokens: Int
    var completion_tokens: Int
    var total_tokens: Int

    init(prompt: Int, completion: Int) {
        prompt_tokens = prompt
        completion_tokens = completion
        total_tokens = prompt + completion
    }
}

/// `chat.completion`: one assistant message.
struct ChatCompletionBody: Encodable, Sendable {
    struct Message: Encodable, Sendable {
        var role = "assistant"
        var content: String
        var refusal: String? = nil

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(role, forKey: .role)
            try c.encode(content, forKey: .content)
            try c.encode(refusal, forKey: .refusal)
        }

        enum CodingKeys: String, CodingKey { case role, content, refusal }
    }

    struct Choice: Encodable, Sendable {
        var index = 0
        var message: Message
        var finish_reason: String

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(message, forKey: .message)
            try c.encodeNil(forKey: .logprobs)
            try c.encode(finish_reason, forKey: .finish_reason)
        }

        enum CodingKeys: String, CodingKey { case index, message, logprobs, finish_reason }
    }

    var id: String
    var object = "chat.completion"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: ChatUsage
    /// Rampart's extension: the ACD settings of a local generation.
    var acd: ACDSettingsBody?
    /// Rampart's extension: the rails' verdicts (proxy).
    var rampart: RailReport?
}

/// `chat.completion.chunk`: one streamed delta.
struct ChatCompletionChunk: Encodable, Sendable {
    struct Delta: Encodable, Sendable {
        var role: String?
        var content: String?
    }

    struct Choice: Encodable, Sendable {
        var index = 0
        var delta: Delta
        var finish_reason: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(delta, forKey: .delta)
            try c.encodeNil(forKey: .logprobs)
            try c.encode(finish_reason, forKey: .finish_reason) // explicit null while streaming
        }

        enum CodingKeys: String, CodingKey { case index, delta, logprobs, finish_reason }
    }

    var id: String
    var object = "chat.completion.chunk"
    var created: Int
    var model: String
    var choices: [Choice]
    var usage: ChatUsage?
    var rampart: RailReport?
}

enum ChatIdentifiers {
    static func completionID() -> String {
        "chatcmpl-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    static var now: Int { Int(Date().timeIntervalSince1970) }
}
