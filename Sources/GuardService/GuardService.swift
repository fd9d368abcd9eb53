import Foundation
import Generation
import HTTPServer
import Logging
import Metrics
import Prometheus
import Scoring
import Synchronization

/// The guard's HTTP API: routing, authentication, CORS, request decoding, scoring and responses.
///
/// The server starts answering before the model is loaded: `/health` is live at once, `/ready` and the scoring
/// routes answer 503 until `attach(_:)` hands over a warmed-up scorer.
public final class GuardService: HTTPHandler {
    let configuration: ServiceConfiguration
    private let registry: PrometheusCollectorRegistry
    let metrics: ServiceMetrics
    let logger: Logger
    private let authenticator: APIKeyAuthenticator
    private let cors: CORSPolicy
    private let scorerSlot = Mutex<GuardScorer?>(nil)
    /// The causal model for /v1/generate and ACD evidence; nil unless the server was started with one.
    let generatorSlot = Mutex<GeneratorAttachment?>(nil)
    /// Proxy mode's upstream client and policy; nil unless configured.
    let proxy: ProxyAttachment?

    /// - Parameters:
    ///   - registry: the Prometheus registry that `/metrics` exposes.
    ///   - metricsFactory: where request metrics go (a `PrometheusMetricsFactory` over `registry`).
    public init(configuration: ServiceConfiguration, registry: PrometheusCollectorRegistry,
                metricsFactory: any MetricsFactory, logger: Logger) {
        self.configuration = configuration
        self.registry = registry
        self.metrics = ServiceMetrics(factory: metricsFactory)
        self.logger = logger
        self.authenticator = APIKeyAuthenticator(keys: configuration.apiKeys)
        self.cors = CORSPolicy(allowedOrigins: configuration.corsAllowedOrigins)
        self.proxy = configuration.proxy.map {
            ProxyAttachment(configuration: $0, client: UpstreamClient(), metrics: ProxyMetrics(factory: metricsFactory))
        }
    }

    /// Hands over a loaded, warmed-up scorer: the service is ready from now on.
    public func attach(_ scorer: GuardScorer) {
        scorerSlot.withLock { $0 = scorer }
    }

    /// Hands over the causal-LM worker: enables `/v1/generate` and `"acd": true` on `/v1/score`.
    public func attach(generator: GenerationWorker, decision: ACDDecision = .classifier) {
        generatorSlot.withLock { $0 = GeneratorAttachment(worker: generator, decision: decision) }
    }

    public var isReady: Bool { scorerSlot.withLock { $0 != nil } }

    private static let knownMethods: Set<HTTPMethod> = [.get, .head, .post, .put, .delete, .patch, .options]
    private static let healthBody = Data(#"{"status":"ok"}"#.utf8)

    public func handle(_ request: HTTPRequest, context: HTTPRequestContext,
                       respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let route = Route.match(request.path)
        let origin = request.headers["Origin"]
        // CORS, metrics and the access log are added in `willSend`, which the server calls for this
        // response and for every response it makes itself; `finish` only attaches the token count.
        let finish: @Sendable (HTTPResponse, Int?) -> Void = { response, tokens in
            var response = response
            if let tokens { response.logMetadata["tokens"] = "\(tokens)" }
            respond(response)
        }

        guard let route else {
            finish(APIError.notFound(request.path).response(), nil)
            return
        }
        if request.method == .options {
            if request.headers["Access-Control-Request-Method"] != nil {
                finish(cors.preflight(origin: origin), nil)
            } else {
                var headers = HTTPHeaders()
                headers.add(name: "Allow", value: (route.methods + [.options]).map(\.rawValue).joined(separator: ", "))
                finish(HTTPResponse(status: .noContent, headers: headers, body: Data()), nil)
            }
            return
        }
        let method = request.method == .head ? HTTPMethod.get : request.method
        guard route.methods.contains(method) else {
            finish(APIError.methodNotAllowed(request.method, allowed: route.methods).response(), nil)
            return
        }
        if route.requiresAuthentication,
           !authenticator.isAuthorized(authorizationHeader: request.headers["Authorization"]) {
            finish(APIError.unauthorized.response(), nil)
            return
        }
        switch route {
        case .playground:
            finish(PlaygroundPage.response(), nil)
        case .health:
            finish(JSONResponse.make(status: .ok, body: Self.healthBody), nil)
        case .ready:
            if let scorer = scorerSlot.withLock({ $0 }) {
                finish(json(["status": "ready", "model": scorer.modelID]), nil)
            } else {
                var response = json(["status": "loading"], status: .serviceUnavailable)
                response.headers.add(name: "Retry-After", value: "1")
                finish(response, nil)
            }
        case .metrics:
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            finish(HTTPResponse(status: .ok, headers: headers, body: Data(registry.emitToBuffer())), nil)
        case .openAPI:
            finish(JSONResponse.make(status: .ok, body: Data(OpenAPIDocument.json.utf8)), nil)
        case .models:
            if let proxy {
                handleProxyModels(request, context: context, proxy: proxy, finish: finish)
            } else {
                withScorer(finish) { scorer in finish(json(ModelList(scorer)), nil) }
            }
        case .score:
            withScorer(finish) { scorer in handleScore(request, context: context, scorer: scorer, finish: finish) }
        case .moderations:
            withScorer(finish) { scorer in handleModeration(request, context: context, scorer: scorer, finish: finish) }
        case .generate:
            handleGenerate(request, context: context, respond: respond, finish: finish)
        case .chatCompletions:
            if let proxy {
                withScorer(finish) { scorer in handleProxyChat(request, context: context, proxy: proxy, scorer: scorer, finish: finish) }
            } else {
                handleLocalChat(request, context: context, finish: finish)
            }
        }
    }

    /// The response middleware (see `HTTPHandler.willSend`): every response the server writes —
    /// routed ones and the server's own 400, 408, 413, 415, 431 and 503 — gets its CORS headers, is
    /// counted in the request metrics and written to the access log, here and only here.
    public func willSend(_ response: inout HTTPResponse, for exchange: HTTPExchange) {
        let request = exchange.request
        cors.decorate(&response, origin: request?.headers["Origin"])
        let elapsed = ContinuousClock.now - exchange.receivedAt
        // Metric labels stay bounded: unknown routes and methods share one label each.
        let routeLabel = request.flatMap { Route.match($0.path) }?.rawValue ?? "unmatched"
        let methodLabel = request.map { Self.knownMethods.contains($0.method) ? $0.method.rawValue : "OTHER" } ?? "OTHER"
        metrics.recordRequest(route: routeLabel, method: methodLabel, status: response.status.code, duration: elapsed)
        guard logger.logLevel <= .info else { return }
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": "\(methodLabel)", "route": "\(routeLabel)",
            "status": "\(response.status.code)", "latency_ms": "\(String(format: "%.2f", milliseconds))",
        ]
        if exchange.origin == .server { metadata["by"] = "server" }
        for (key, value) in response.logMetadata { metadata[key] = "\(value)" }
        if configuration.logsRequestBodies, let request {
            metadata["body"] = "\(String(decoding: request.body, as: UTF8.self))"
        }
        logger.info("request", metadata: metadata)
    }

    /// `value` as a JSON response. A body that cannot be encoded (a NaN or infinity where a number
    /// belongs) is a bug: it is logged with the type and the encoder's reason, and the client gets a 500.
    func json(_ value: some Encodable, status: HTTPStatus = .ok) -> HTTPResponse {
        do {
            return try JSONResponse.make(status: status, encoding: value)
        } catch {
            logger.error("response encoding failed", metadata: ["error": "\(error)"])
            return APIError.internalError.response()
        }
    }

    private func withScorer(_ finish: @Sendable (HTTPResponse, Int?) -> Void, _ body: (GuardScorer) -> Void) {
        guard let scorer = scorerSlot.withLock({ $0 }) else {
            finish(APIError.notReady.response(), nil)
            return
        }
        body(scorer)
    }

    private func handleScore(_ request: HTTPRequest, context: HTTPRequestContext, scorer: GuardScorer,
                             finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let inputs: [ScoreInput]
        let layouts: [Conversation.Layout?]
        let isBatch: Bool
        let threshold: Double?
        let explain: Bool
        do {
            let decoded = try JSONBody.decode(ScoreRequest.self, from: request)
            (inputs, layouts, isBatch) = try decoded.resolvedInputs()
            threshold = decoded.threshold
            explain = decoded.explain == true
            if decoded.acd == true {
                let generator = try requireGenerator(code: "acd_not_configured")
                handleScoreWithEvidence(inputs, isBatch: isBatch, threshold: threshold,
                                        explanation: explain ? layouts : nil, context: context, scorer: scorer,
                                        generator: generator, finish: finish)
                return
            }
        } catch {
            finish(error.response(), nil)
            return
        }
        let model = scorer.modelID
        scorer.score(inputs, threshold: threshold, explain: explain,
                     isCancelled: { !context.isClientConnected }) { [self] result in
            switch result {
            case let .success(results):
                metrics.recordScored(inputs: results.count, flagged: results.filter(\.isFlagged).count)
                let tokens = results.reduce(0) { $0 + $1.tokens }
                let bodies = zip(results, layouts).map { result, layout in
                    ScoreResultBody(result, model: isBatch ? nil : model, layout: layout)
                }
                if isBatch {
                    finish(json(ScoreBatchBody(results: bodies, model: model)), tokens)
                } else {
                    finish(json(bodies[0]), tokens)
                }
            case let .failure(error):
                logFailure(error)
                finish(APIError.from(error).response(), nil)
            }
        }
    }

    private func handleModeration(_ request: HTTPRequest, context: HTTPRequestContext, scorer: GuardScorer,
                                  finish: @escaping @Sendable (HTTPResponse, Int?) -> Void) {
        let inputs: [ScoreInput]
        do {
            inputs = try JSONBody.decode(ModerationRequest.self, from: request).scoreInputs()
        } catch {
            finish(error.response(), nil)
            return
        }
        let model = scorer.modelID
        scorer.score(inputs, isCancelled: { !context.isClientConnected }) { [self] result in
            switch result {
            case let .success(results):
                metrics.recordScored(inputs: results.count, flagged: results.filter(\.isFlagged).count)
                let body = ModerationBody(id: "modr-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
                                          model: model, results: results.map(ModerationResultBody.init))
                finish(json(body), results.reduce(0) { $0 + $1.tokens })
            case let .failure(error):
                logFailure(error)
                finish(APIError.from(error).response(), nil)
            }
        }
    }

    func logFailure(_ error: ScoringError) {
        switch error {
        case .invalidInput, .cancelled: break
        default: logger.warning("scoring failed", metadata: ["error": "\(error)"])
        }
    }
}
