import Foundation
import Generation
import HTTPServer
import Synchronization

/// `POST /v1/chat/completions` on Rampart's own causal model (`--causal-model`, no `--upstream`): the conversation
/// through the chat template, generated with adversarial contrastive decoding unless `"acd": false`, answered in
/// OpenAI's `chat.completion` / `chat.completion.chunk` shapes so that standard clients work.
extension GuardService {
    func handleLocalChat(_ request: HTTPRequest, context: HTTPRequestContext,
                         finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let generator: GenerationWorker
        let decoded: ChatCompletionRequest
        let mode: ContrastiveDecoder.Mode
        let parameters: SamplingParameters
        do throws(APIError) {
            guard let attachment = generatorSlot.withLock({ $0 }) else { throw .chatNotConfigured }
            generator = attachment.worker
            decoded = try JSONBody.decode(ChatCompletionRequest.self, from: request)
            (mode, parameters) = try decoded.resolve(defaultAlpha: generator.configuration.defaultAlpha)
        } catch {
            finish(error.response(), nil)
            return
        }
        let model = generator.modelName
        let acd: ACDSettingsBody? = if case let .contrastive(alpha) = mode {
            ACDSettingsBody(alpha: alpha, soft_prompts: generator.usesSoftPrompts)
        } else {
            nil
        }
        let id = ChatIdentifiers.completionID(), created = ChatIdentifiers.now
        guard decoded.isStreaming else {
            generator.generate(conversation: decoded.conversation, mode: mode, parameters: parameters,
                               isCancelled: { !context.isClientConnected }) { result in
                switch result {
                case let .success(output):
                    let body = ChatCompletionBody(
                        id: id, created: created, model: model,
                        choices: [.init(message: .init(content: output.text), finish_reason: output.finishReason.rawValue)],
                        usage: ChatUsage(prompt: output.promptTokens, completion: output.tokens.count), acd: acd)
                    finish(self.json(body), output.tokens.count)
                case let .failure(error):
                    finish(APIError.from(error).response(), nil)
                }
            }
            return
        }
        let includeUsage = decoded.stream_options?.include_usage == true
        let events = LazyEventStream()
        @Sendable func chunk(_ delta: ChatCompletionChunk.Delta, finishReason: String? = nil) -> Data {
            ProxyStream.encode(ChatCompletionChunk(id: id, created: created, model: model,
                                                   choices: [.init(delta: delta, finish_reason: finishReason)]))
        }
        @Sendable func begin() {
            if events.start({ finish($0, nil) }) { events.send(chunk(.init(role: "assistant", content: ""))) }
        }
        generator.generate(
            conversation: decoded.conversation, mode: mode, parameters: parameters,
            isCancelled: { !context.isClientConnected || events.isAbandoned },
            onPiece: { piece in
                begin()
                // Only the new text in each event; a token that ends mid-character waits for the next one.
                if !piece.text.isEmpty { events.send(chunk(.init(content: piece.text))) }
            },
            completion: { result in
                switch result {
                case let .success(output):
                    begin()
                    events.send(chunk(.init(), finishReason: output.finishReason.rawValue))
                    if includeUsage {
                        let usage = ChatCompletionChunk(id: id, created: created, model: model, choices: [],
                                                        usage: ChatUsage(prompt: output.promptTokens,
                                                                         completion: output.tokens.count))
                        events.send(ProxyStream.encode(usage))
                    }
                case let .failure(error):
                    guard events.hasStarted else {
                        finish(APIError.from(error).response(), nil)
                        return
                    }
                    events.send(ProxyStream.encodeError(APIError.from(error)))
                }
                events.end()
            })
    }
}
