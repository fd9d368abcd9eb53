import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServer
import Logging
import Scoring
import Synchronization

/// Proxy mode (`--upstream`): `POST /v1/chat/completions` through the input rail to the upstream and back through
/// the output rail; `GET /v1/models` from the upstream.
extension GuardService {
    func handleProxyChat(_ request: HTTPRequest, context: HTTPRequestContext, proxy: ProxyAttachment,
                         scorer: GuardScorer, finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let configuration = proxy.configuration
        let decoded: ChatCompletionRequest
        let rail: (prompt: String, lastUserTurn: String)
        do throws(APIError) {
            decoded = try JSONBody.decode(ChatCompletionRequest.self, from: request)
            rail = try decoded.railPrompt(contextCharacters: configuration.inputContextCharacters)
        } catch {
            finish(error.response(), nil)
            return
        }
        let respond: @Sendable (HTTPResponse) -> Void = { finish($0, nil) }
        let started = ContinuousClock.now
        // The turn in context, and the turn alone: a benign-looking history must not dilute a harmful last turn
        // (the guard reads short prompts best), so the rail takes the higher of the two scores.
        var inputs = [ScoreInput(prompt: rail.prompt)]
        if rail.prompt != rail.lastUserTurn { inputs.append(ScoreInput(prompt: rail.lastUserTurn)) }
        scorer.score(inputs, threshold: configuration.input.threshold,
                     isCancelled: { !context.isClientConnected }) { [self] result in
            var verdict = RailReport.Verdict(action: configuration.input.action, blocked: false, checks: 0)
            switch result {
            case let .success(results):
                proxy.metrics.recordCheck(.input, duration: ContinuousClock.now - started,
                                          flagged: results.contains(where: \.isFlagged))
                for result in results { verdict.merge(result) }
                verdict.checks = 1
            case let .failure(error):
                logFailure(error)
                // A failed check stops the exchange unless the server fails open (--fail-open), as for scores.
                guard scorer.configuration.failurePolicy == .open else {
                    finish(APIError.from(error).response(), nil)
                    return
                }
                verdict.error = "input check failed: \(error)"
            }
            var report = RailReport(model: scorer.modelID, input: verdict)
            if verdict.isFlagged, configuration.input.action == .block {
                report.input?.blocked = true
                proxy.metrics.recordBlock(.input)
                logger.info("proxy", metadata: ["outcome": "blocked_input", "stream": "\(decoded.isStreaming)",
                                                "input_score": "\(String(format: "%.4f", verdict.result?.score ?? 0))"])
                respond(Self.refusal(configuration.refusalMessage, model: decoded.model ?? scorer.modelID, report: report,
                                     stream: decoded.isStreaming))
                return
            }
            guard context.isClientConnected else { return }
            let upstreamRequest = makeUpstreamRequest(proxy, path: "chat/completions", body: request.body,
                                                      stream: decoded.isStreaming, clientHeaders: request.headers)
            if decoded.isStreaming {
                let stream = ProxyStream(.init(scorer: scorer, configuration: configuration, metrics: proxy.metrics,
                                               prompt: rail.lastUserTurn, report: report,
                                               failsOpen: scorer.configuration.failurePolicy == .open, context: context,
                                               logger: logger, respond: respond))
                let call = proxy.client.start(upstreamRequest, connectTimeout: configuration.connectTimeout,
                                              silenceTimeout: configuration.upstreamTimeout, handler: stream.handler)
                stream.attach(call)
                context.onDisconnect { stream.clientLeft() }
            } else {
                forwardWhole(upstreamRequest, proxy: proxy, scorer: scorer, prompt: rail.lastUserTurn, report: report,
                             context: context, respond: respond)
            }
        }
    }

    /// `GET /v1/models`: the upstream's list, passed on.
    func handleProxyModels(_ request: HTTPRequest, context: HTTPRequestContext, proxy: ProxyAttachment,
                           finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let upstreamRequest = makeUpstreamRequest(proxy, path: "models", body: nil, stream: false,
                                                  clientHeaders: request.headers)
        collect(upstreamRequest, proxy: proxy, context: context) { outcome in
            switch outcome {
            case let .failure(error):
                finish(error.response(), nil)
            case let .success((status, body)):
                guard (200 ..< 300).contains(status) else {
                    finish(UpstreamErrorBody.response(status: status, body: body), nil)
                    return
                }
                guard (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
                    finish(APIError.badGateway("the upstream's model list is not a JSON object").response(), nil)
                    return
                }
                finish(JSONResponse.make(status: .ok, body: body), nil)
            }
        }
    }

    // MARK: Non-streaming

    /// The whole upstream answer, scored before anything is returned.
    private func forwardWhole(_ upstreamRequest: URLRequest, proxy: ProxyAttachment, scorer: GuardScorer, prompt: String,
                              report: RailReport, context: HTTPRequestContext,
                              respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let configuration = proxy.configuration
        collect(upstreamRequest, proxy: proxy, context: context) { [self] outcome in
            let status: Int, body: Data
            switch outcome {
            case let .failure(error):
                respond(error.response())
                return
            case let .success(answer):
                (status, body) = answer
            }
            guard (200 ..< 300).contains(status) else {
                proxy.metrics.recordUpstreamError("status")
                respond(UpstreamErrorBody.response(status: status, body: body))
                return
            }
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let choices = object["choices"] as? [[String: Any]] else {
                proxy.metrics.recordUpstreamError("invalid")
                respond(APIError.badGateway("the upstream's answer is not a chat completion (JSON with choices)").response())
                return
            }
            let contents = choices.map { (($0["message"] as? [String: Any])?["content"] as? String) ?? "" }
            let empty = RailReport.Verdict(action: configuration.output.action, blocked: false, checks: 0)
            // Every choice cut into the windows a stream of it would get; each segment is one input of one batch.
            let limit = max(1, scorer.configuration.maxInputsPerRequest / max(1, contents.count))
            var owners: [Int] = [], inputs: [ScoreInput] = []
            for (index, content) in contents.enumerated() where !content.isEmpty {
                for segment in OutputRailWindow.segments(of: content, interval: configuration.checkInterval,
                                                         overlap: configuration.checkOverlap, limit: limit) {
                    owners.append(index)
                    inputs.append(ScoreInput(prompt: prompt, response: segment.text))
                }
            }
            guard !inputs.isEmpty else {
                var report = report
                report.output = empty
                respond(JSONResponse.make(status: .ok, body: report.splice(into: body) ?? body))
                return
            }
            let started = ContinuousClock.now
            let segmentOwners = owners
            scorer.score(inputs, threshold: configuration.output.threshold,
                         isCancelled: { !context.isClientConnected }) { [self] result in
                var report = report, verdict = empty
                switch result {
                case let .success(results):
                    proxy.metrics.recordCheck(.output, duration: ContinuousClock.now - started,
                                              flagged: results.contains(where: \.isFlagged))
                    for result in results { verdict.merge(result) }
                    let flagged = zip(segmentOwners, results).filter { $0.1.isFlagged }.map(\.0)
                    if !flagged.isEmpty, configuration.output.action == .block {
                        verdict.blocked = true
                        report.output = verdict
                        proxy.metrics.recordBlock(.output)
                        logger.info("proxy", metadata: ["outcome": "blocked_output", "stream": "false"])
                        respond(Self.censored(body, choices: Set(flagged), refusal: configuration.refusalMessage,
                                              report: report))
                        return
                    }
                case let .failure(error):
                    logFailure(error)
                    guard scorer.configuration.failurePolicy == .open else {
                        respond(APIError.from(error).response())
                        return
                    }
                    verdict.error = "output check failed: \(error)"
                }
                report.output = verdict
                logger.info("proxy", metadata: ["outcome": "passed", "stream": "false", "checks": "\(verdict.checks)"])
                respond(JSONResponse.make(status: .ok, body: report.splice(into: body) ?? body))
            }
        }
    }

    /// Runs an upstream exchange to the end and hands over its status and body (or the failure as an APIError).
    private func collect(_ upstreamRequest: URLRequest, proxy: ProxyAttachment, context: HTTPRequestContext,
                         completion: @escaping @Sendable (Result<(Int, Data), APIError>) -> Void) {
        struct Collected { var status = 0; var body = Data(); var isTooLarge = false }
        let collected = Mutex(Collected())
        let limit = proxy.configuration.maxUpstreamBytes
        let metrics = proxy.metrics
        let started = ContinuousClock.now
        let call = proxy.client.start(
            upstreamRequest, connectTimeout: proxy.configuration.connectTimeout,
            silenceTimeout: proxy.configuration.upstreamTimeout,
            handler: UpstreamHandler(
                onResponse: { status, _ in
                    collected.withLock { $0.status = status }
                    metrics.upstreamFirstByte.record(duration: ContinuousClock.now - started)
                },
                onData: { data in
                    collected.withLock { state in
                        guard !state.isTooLarge else { return }
                        state.body.append(data)
                        if state.body.count > limit {
                            state.isTooLarge = true
                            state.body = Data()
                        }
                    }
                },
                onComplete: { failure in
                    metrics.upstreamTotal.record(duration: ContinuousClock.now - started)
                    if let failure {
                        metrics.recordUpstreamError(Self.errorKind(failure))
                        completion(.failure(APIError.from(failure)))
                        return
                    }
                    let (status, body, tooLarge) = collected.withLock { ($0.status, $0.body, $0.isTooLarge) }
                    if tooLarge {
                        metrics.recordUpstreamError("invalid")
                        completion(.failure(.badGateway("the upstream's response exceeds \(limit) bytes")))
                        return
                    }
                    completion(.success((status, body)))
                }))
        context.onDisconnect { call.cancel() }
    }

    static func errorKind(_ failure: UpstreamFailure) -> String {
        switch failure {
        case .unreachable: "unreachable"
        case .timedOut: "timeout"
        case .cancelled: "cancelled"
        }
    }

    private func makeUpstreamRequest(_ proxy: ProxyAttachment, path: String, body: Data?, stream: Bool,
                                     clientHeaders: HTTPHeaders) -> URLRequest {
        var request = URLRequest(url: proxy.configuration.endpoint(path))
        request.httpMethod = body == nil ? "GET" : "POST"
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        request.setValue(stream ? "text/event-stream" : "application/json", forHTTPHeaderField: "Accept")
        if let key = proxy.configuration.upstreamAPIKey {
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        } else if configuration.apiKeys.isEmpty, let authorization = clientHeaders["Authorization"] {
            // Rampart checks no keys of its own: the client's credentials are meant for the upstream.
            request.setValue(authorization, forHTTPHeaderField: "Authorization")
        }
        return request
    }

    // MARK: Answers made by the proxy

    /// The input rail's refusal, in OpenAI's shape: a `chat.completion`, or chunks and `[DONE]` when streaming.
    static func refusal(_ message: String, model: String, report: RailReport, stream: Bool) -> HTTPResponse {
        let id = ChatIdentifiers.completionID(), created = ChatIdentifiers.now
        guard stream else {
            let body = ChatCompletionBody(
                id: id, created: created, model: model,
                choices: [.init(message: .init(content: message), finish_reason: "content_filter")],
                usage: ChatUsage(prompt: 0, completion: 0), rampart: report)
            // The refusal holds only strings and finite scores; an encoding failure would be a bug, answered 500.
            return (try? JSONResponse.make(encoding: body)) ?? APIError.internalError.response()
        }
        let chunks = [
            ChatCompletionChunk(id: id, created: created, model: model,
                                choices: [.init(delta: .init(role: "assistant", content: message))]),
            ChatCompletionChunk(id: id, created: created, model: model,
                                choices: [.init(delta: .init(), finish_reason: "content_filter")], rampart: report),
        ]
        var events = Data()
        for chunk in chunks { events += ServerSentEvents.event(ProxyStream.encode(chunk)) }
        events += ServerSentEvents.event(ServerSentEvents.done)
        let body = HTTPBodyStream()
        try? body.write(events)
        body.finish()
        return ServerSentEvents.response(body)
    }

    /// The upstream's answer with each flagged choice's content replaced by the refusal and its `finish_reason` set to
    /// `content_filter`; other fields (id, model, usage) kept.
    private static func censored(_ body: Data, choices flagged: Set<Int>, refusal: String,
                                 report: RailReport) -> HTTPResponse {
        var object = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
        var choices = object["choices"] as? [[String: Any]] ?? []
        for index in flagged where index < choices.count {
            var message = choices[index]["message"] as? [String: Any] ?? ["role": "assistant"]
            message["content"] = refusal
            choices[index]["message"] = message
            choices[index]["finish_reason"] = "content_filter"
        }
        object["choices"] = choices
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return JSONResponse.make(status: .ok, body: report.splice(into: body) ?? body)
    }
}

/// The proxy's configuration, client and metrics, present when the server runs with `--upstream`.
struct ProxyAttachment: Sendable {
    var configuration: ProxyConfiguration
    var client: UpstreamClient
    var metrics: ProxyMetrics
}
