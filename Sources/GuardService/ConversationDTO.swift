import Scoring

/// One message of an OpenAI chat conversation: `role` and `content`, a string or an array of content parts.
/// Decoding only checks JSON types (400 on a mismatch); `Conversation` validates the values (422).
struct ConversationMessage: Decodable, Sendable {
    enum Content: Sendable {
        case text(String)
        case parts([Part])
        /// Missing or null (an assistant turn that only calls tools, for instance).
        case none
    }

    struct Part: Decodable, Sendable {
        var type: String
        var text: String?
    }

    var role: String
    var content: Content

    private enum CodingKeys: String, CodingKey { case role, content }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if try !container.contains(.content) || container.decodeNil(forKey: .content) {
            content = .none
        } else if let text = try? container.decode(String.self, forKey: .content) {
            content = .text(text)
        } else {
            content = .parts(try container.decode([Part].self, forKey: .content))
        }
    }
}

/// A conversation judged the way Llama Guard judges one: the last turn, in the context of the turns before it.
///
/// - Last message from the assistant: it is the response, and the closest user turn before it is the prompt.
/// - Last message from the user: it is judged as a prompt alone.
/// - Every other turn is context: `role: content` blocks separated by blank lines, ending with `user:` (the marker
///   of the judged prompt), read in front of the prompt as far as the model's window leaves room
///   (`ScoreInput.context`).
/// A conversation of one user message is exactly that message as a prompt.
struct Conversation: Sendable {
    static let roles = ["system", "developer", "user", "assistant", "tool"]

    /// Where a message's text lies in the strings that are scored.
    struct Layout: Sendable {
        /// The message judged as the prompt, and the one judged as the response.
        var promptMessage: Int
        var responseMessage: Int?
        /// Context messages: (message index, the range of its text in `ScoreInput.context`), in Unicode scalars.
        var contextMessages: [(index: Int, range: Range<Int>)]
    }

    var input: ScoreInput
    var layout: Layout

    /// - Parameter field: the request field, for error messages (`messages`, `inputs[2].messages`).
    init(_ messages: [ConversationMessage], field: String) throws(APIError) {
        guard !messages.isEmpty else { throw .unprocessable("\"\(field)\" is empty", code: "empty_input") }
        var texts: [String] = []
        for (index, message) in messages.enumerated() {
            guard Self.roles.contains(message.role) else {
                throw .unprocessable("\(field)[\(index)].role \"\(message.role)\" is not one of "
                    + Self.roles.joined(separator: ", "))
            }
            texts.append(try Self.text(of: message, at: "\(field)[\(index)]"))
        }
        let last = messages.count - 1
        let promptMessage: Int
        var responseMessage: Int?
        switch messages[last].role {
        case "user":
            promptMessage = last
        case "assistant":
            guard let user = messages[..<last].lastIndex(where: { $0.role == "user" }) else {
                throw .unprocessable("\(field): the last (assistant) turn is judged with the user turn before it, "
                    + "and there is none", code: "invalid_conversation")
            }
            promptMessage = user
            responseMessage = last
        default:
            throw .unprocessable("\(field): the last message is the one judged and must be from the user or the "
                + "assistant, not \"\(messages[last].role)\"", code: "invalid_conversation")
        }
        // Context: every other message, in order (turns between the prompt and the judged reply, such as tool
        // results, included).
        var context = ""
        var contextCount = 0
        var contextMessages: [(index: Int, range: Range<Int>)] = []
        for index in messages.indices where index != promptMessage && index != responseMessage {
            let marker = (context.isEmpty ? "" : "\n\n") + messages[index].role + ": "
            context += marker
            contextCount += marker.unicodeScalars.count
            let length = texts[index].unicodeScalars.count
            contextMessages.append((index, contextCount ..< contextCount + length))
            context += texts[index]
            contextCount += length
        }
        input = ScoreInput(prompt: texts[promptMessage], response: responseMessage.map { texts[$0] },
                           context: context.isEmpty ? nil : context + "\n\nuser:")
        layout = Layout(promptMessage: promptMessage, responseMessage: responseMessage,
                        contextMessages: contextMessages)
    }

    /// A message's text: the string, or its text parts joined by newlines (as `/v1/moderations` joins parts).
    private static func text(of message: ConversationMessage, at path: String) throws(APIError) -> String {
        switch message.content {
        case let .text(text):
            return text
        case .none:
            throw .unprocessable("\(path).content is required (text)", code: "missing_field")
        case let .parts(parts):
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                guard part.type == "text" else {
                    throw .unprocessable("\(path).content[\(index)] has type \"\(part.type)\"; only text parts are "
                        + "supported", code: "unsupported_input")
                }
                guard let text = part.text else {
                    throw .unprocessable("\(path).content[\(index)].text is required", code: "missing_field")
                }
                texts.append(text)
            }
            return texts.joined(separator: "\n")
        }
    }
}
