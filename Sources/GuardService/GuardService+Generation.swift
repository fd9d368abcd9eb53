import Foundation
import Generation
import HTTPServer
import Scoring
import Synchronization

/// The causal-LM worker and how its evidence enters score decisions.
struct GeneratorAttachment: Sendable {
    var worker: GenerationWorker
    var decision: ACDDecision
}

/// The `acd` object of one `/v1/score` result.
struct ACDScoreBody: Encodable, Sendable {
    /// Mean per-token log-likelihood of the response under the adversarial minus the safeguarding prompt (nats).
    var evidence: Double?
    /// Calibrated P(harmful) from `evidence`.
    var probability: Double?
    /// The decision score under `--acd-decision` (the classifier score when evidence is missing).
    var combined: Double
    var decision: String
    /// Why `evidence` is null (prompt-only input).
    var reason: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(probability, forKey: .probability)
        try c.encode(combined, forKey: .combined)
        try c.encode(decision, forKey: .decision)
        try c.encodeIfPresent(reason, forKey: .reason)
    }

    enum CodingKeys: String, CodingKey { case evidence, probability, combined, decision, reason }
}

extension GuardService {
    func requireGenerator(code: String) throws(APIError) -> GeneratorAttachment {
        guard let attachment = generatorSlot.withLock({ $0 }) else { throw .notConfigured(code: code) }
        return attachment
    }

    // MARK: /v1/generate

    func handleGenerate(_ request: HTTPRequest, context: HTTPRequestContext,
                        respond: @escaping @Sendable (HTTPResponse) -> Void,
                        finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let generator: GenerationWorker
        let decoded: GenerateRequest
        let mode: ContrastiveDecoder.Mode
        let parameters: SamplingParameters
        do throws(APIError) {
            generator = try requireGenerator(code: "generation_not_configured").worker
            decoded = try JSONBody.decode(GenerateRequest.self, from: request)
            (mode, parameters) = try decoded.resolve(defaultAlpha: generator.configuration.defaultAlpha)
        } catch {
            finish(error.response(), nil)
            return
        }
        let model = generator.modelName
        let soft = generator.usesSoftPrompts
        guard decoded.stream == true else {
            generator.generate(prompt: decoded.prompt, mode: mode, parameters: parameters,
                               isCancelled: { !context.isClientConnected }) { [self] result in
                switch result {
                case let .success(output):
                    finish(json(GenerateResponseBody(output, mode: mode, model: model, softPrompts: soft)),
                           output.tokens.count)
                case let .failure(error):
                    finish(APIError.from(error).response(), nil)
                }
            }
            return
        }
        streamGenerate(decoded.prompt, mode: mode, parameters: parameters, generator: generator, context: context,
                       finish: finish)
    }

    /// Server-Sent Events (WHATWG HTML §9.2): the response starts with the first token, so a request refused before
    /// any output still gets a plain JSON error with its status; a failure after that becomes an `error` event.
    private func streamGenerate(_ prompt: String, mode: ContrastiveDecoder.Mode, parameters: SamplingParameters,
                                generator: GenerationWorker, context: HTTPRequestContext,
                                finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let events = LazyEventStream()
        let text = Mutex("")
        let model = generator.modelName
        let soft = generator.usesSoftPrompts
        generator.generate(prompt: prompt, mode: mode, parameters: parameters,
                           isCancelled: { !context.isClientConnected || events.isAbandoned },
                           onPiece: { piece in
                               events.start { finish($0, nil) }
                               let sofar = text.withLock { value -> String in
                                   value += piece.text
                                   return value
                               }
                               events.send(Self.encode(GenerateTokenEvent(token: piece.text, text: sofar, id: piece.token)))
                           },
                           completion: { result in
                               switch result {
                               case let .success(output):
                                   events.start { finish($0, nil) }
                                   events.send(Self.encode(GenerateResponseBody(output, mode: mode, model: model, softPrompts: soft)))
                               case let .failure(error):
                                   guard events.hasStarted else {
                                       finish(APIError.from(error).response(), nil)
                                       return
                                   }
                                   let api = APIError.from(error)
                                   events.send(Data((try? JSONSerialization.data(withJSONObject: [
                                       "error": ["message": api.message, "type": api.type, "code": api.code]])) ?? Data()))
                               }
                               events.end()
                           })
    }

    private static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    // MARK: /v1/score with "acd": true

    /// Runs the classifier and the ACD evidence side by side and answers when both are done.
    /// - Parameter explanation: the inputs' conversation layouts when the request asked to explain, else nil.
    func handleScoreWithEvidence(_ inputs: [ScoreInput], isBatch: Bool, threshold: Double?,
                                 explanation layouts: [Conversation.Layout?]?, context: HTTPRequestContext,
                                 scorer: GuardScorer, generator: GeneratorAttachment,
                                 finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        struct Pending {
            var scores: Result<[ScoreResult], ScoringError>?
            var evidence: Result<[HarmEvidence?], GenerationError>?
        }
        let pending = Mutex(Pending())
        let model = scorer.modelID
        let decision = generator.decision
        let complete: @Sendable () -> Void = { [self] in
            guard let (scores, evidence) = pending.withLock({ state -> (Result<[ScoreResult], ScoringError>, Result<[HarmEvidence?], GenerationError>)? in
                guard let s = state.scores, let e = state.evidence else { return nil }
                return (s, e)
            }) else { return }
            let results: [ScoreResult]
            let measured: [HarmEvidence?]
            switch (scores, evidence) {
            case let (.success(r), .success(m)):
                (results, measured) = (r, m)
            case let (.failure(error), _):
                logFailure(error)
                finish(APIError.from(error).response(), nil)
                return
            case let (_, .failure(error)):
                finish(APIError.from(error).response(), nil)
                return
            }
            metrics.recordScored(inputs: results.count, flagged: results.filter(\.isFlagged).count)
            let bodies = zip(results, measured).enumerated().map { index, scored -> ScoreResultBody in
                let (result, evidence) = scored
                var body = ScoreResultBody(result, model: isBatch ? nil : model, layout: layouts?[index])
                let combined = decision.combine(score: result.score, probability: evidence?.probability)
                body.acd = ACDScoreBody(evidence: evidence?.value, probability: evidence?.probability, combined: combined,
                                        decision: decision.rawValue,
                                        reason: evidence == nil ? "prompt_only: ACD evidence needs a response" : nil)
                if decision != .classifier, evidence != nil { body.flagged = combined >= result.threshold }
                return body
            }
            let tokens = results.reduce(0) { $0 + $1.tokens }
            if isBatch {
                finish(json(ScoreBatchBody(results: bodies, model: model)), tokens)
            } else {
                finish(json(bodies[0]), tokens)
            }
        }
        scorer.score(inputs, threshold: threshold, explain: layouts != nil,
                     isCancelled: { !context.isClientConnected }) { result in
            pending.withLock { $0.scores = result }
            complete()
        }
        generator.worker.evidence(inputs.map { GenerationWorker.EvidenceInput(prompt: $0.prompt, response: $0.response) },
                                  isCancelled: { !context.isClientConnected }) { result in
            pending.withLock { $0.evidence = result }
            complete()
        }
    }
}
