import ModelIO

/// A chat prompt format. Only ChatML is implemented (SmolLM2, Qwen): a Jinja template is recognised as ChatML
/// when it contains both `<|im_start|>` and `<|im_end|>`; the default system prompt SmolLM2's template inserts
/// when the first message is not a system message is read from the template's
/// `'<|im_start|>system\n…<|im_end|>` literal.
public struct ChatTemplate: Sendable, Equatable {
    /// One chat turn.
    public struct Message: Sendable, Equatable {
        public var role: String
        public var content: String
        public init(role: String, content: String) { self.role = role; self.content = content }
    }

    /// System prompt used when the conversation does not start with one (nil: none is inserted).
    public var defaultSystemPrompt: String?

    public init(defaultSystemPrompt: String? = nil) { self.defaultSystemPrompt = defaultSystemPrompt }

    /// Recognises a `tokenizer.chat_template` Jinja source; nil when it is not ChatML.
    public init?(jinja template: String) {
        guard template.contains("<|im_start|>"), template.contains("<|im_end|>") else { return nil }
        let marker = "<|im_start|>system\n"
        if let start = template.range(of: marker), template[..<start.lowerBound].contains("messages[0]['role'] != 'system'"),
           let end = template.range(of: "<|im_end|>", range: start.upperBound..<template.endIndex) {
            defaultSystemPrompt = String(template[start.upperBound..<end.lowerBound])
        } else {
            defaultSystemPrompt = nil
        }
    }

    /// The template from GGUF metadata `tokenizer.chat_template` (nil when absent or not ChatML).
    public init?(gguf file: GGUFFile) throws {
        guard let source = try file.string("tokenizer.chat_template") else { return nil }
        self.init(jinja: source)
    }

    /// `<|im_start|>{role}\n{content}<|im_end|>\n` per message, then `<|im_start|>assistant\n` when asked.
    public func render(_ messages: [Message], addGenerationPrompt: Bool = true) -> String {
        var text = ""
        if let defaultSystemPrompt, messages.first?.role != "system" {
            text += "<|im_start|>system\n\(defaultSystemPrompt)<|im_end|>\n"
        }
        for message in messages { text += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n" }
        if addGenerationPrompt { text += "<|im_start|>assistant\n" }
        return text
    }
}
