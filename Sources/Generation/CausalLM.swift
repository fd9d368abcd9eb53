import Architectures
import Foundation
import ModelIO
import Tokenizers

/// A loaded chat model: weights, tokenizer, ChatML template and the ids that end a turn.
public struct CausalLM: @unchecked Sendable {
    // @unchecked: LlamaModel is not thread-safe; a CausalLM is used by one owner (the GenerationWorker) at a time.
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let template: ChatTemplate
    /// End-of-sequence and `<|im_end|>` ids: generation stops on them, and their text is never emitted.
    public let stopIDs: Set<Int32>
    /// A short name for responses (the file or directory name).
    public let name: String

    public init(model: LlamaModel, tokenizer: Tokenizer, template: ChatTemplate, stopIDs: Set<Int32>, name: String) {
        self.model = model
        self.tokenizer = tokenizer
        self.template = template
        self.stopIDs = stopIDs
        self.name = name
    }

    /// Loads a GGUF file (tokenizer and template from its metadata) or a Hugging Face directory
    /// (config.json, safetensors, tokenizer.json; ChatML without a default system prompt).
    public static func load(_ url: URL, options: EngineOptions = EngineOptions()) throws(GenerationError) -> CausalLM {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .invalidModel(file: url.path, reason: "no such file or directory")
        }
        do {
            if isDirectory.boolValue {
                let model = try LlamaModel.load(directory: url, options: options)
                let tokenizer = try Tokenizer(contentsOf: url.appendingPathComponent("tokenizer.json"))
                var stops = Set<Int32>()
                for token in ["<|im_end|>", "<|endoftext|>", "</s>"] { if let id = tokenizer.id(forToken: token) { stops.insert(id) } }
                return CausalLM(model: model, tokenizer: tokenizer, template: ChatTemplate(), stopIDs: stops,
                                name: url.lastPathComponent)
            }
            let model = try LlamaModel.load(gguf: url, options: options)
            guard let file = model.gguf else { throw GenerationError.invalidModel(file: url.path, reason: "not a GGUF file") }
            let tokenizer = try GGUFTokenizer.make(from: file)
            let template = try ChatTemplate(gguf: file) ?? ChatTemplate()
            var stops = Set<Int32>()
            if let eos = try GGUFTokenizer.specialIDs(of: file).eos { stops.insert(eos) }
            if let end = tokenizer.id(forToken: "<|im_end|>") { stops.insert(end) }
            let name = url.deletingPathExtension().lastPathComponent
            return CausalLM(model: model, tokenizer: tokenizer, template: template, stopIDs: stops, name: name)
        } catch let error as GenerationError {
            throw error
        } catch {
            throw .invalidModel(file: url.path, reason: "\(error)")
        }
    }

    /// ChatML token ids for one user turn, with `system` as the system message (nil: the template's default).
    public func chatTokens(user: String, system: String?) -> [Int32] {
        chatTokens(conversation: [.init(role: "user", content: user)], system: system)
    }

    /// ChatML token ids for a conversation. `system` replaces the conversation's leading system message, if any;
    /// nil keeps it (or the template's default when there is none).
    public func chatTokens(conversation: [ChatTemplate.Message], system: String?) -> [Int32] {
        var messages = conversation
        if let system {
            if messages.first?.role == "system" { messages.removeFirst() }
            messages.insert(.init(role: "system", content: system), at: 0)
        }
        return tokenizer.tokenize(template.render(messages))
    }
}

/// One chat turn (role and text), as the chat template renders it.
public typealias ChatMessage = ChatTemplate.Message
