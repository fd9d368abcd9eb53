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
        let started = ContinuousClock.now
        let route = Route.match(request.path)
        let origin = request.headers["Origin"]
        let finish: @Sendable (HTTPResponse, Int?) -> Void = { [self] response, tokens in
            var response = response
            cors.decorate(&response, origin: origin)
            let elapsed = ContinuousClock.now - started
            // Metric labels stay bounded: unknown routes and methods share one label each.
            let methodLabel = Self.knownMethods.contains(request.method) ? request.method.rawValue : "OTHER"
            metrics.recordRequest(route: route?.rawValue ?? "unmatched", method: methodLabel,
                                  status: response.status.code, duration: elapsed)
            if logger.logLevel <= .info {
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                var metadata: Logger.Metadata = [
                    "method": "\(methodLabel)", "route": "\(route?.rawValue ?? "unmatched")",
                    "status": "\(response.status.code)", "latency_ms": "\(String(format: "%.2f", milliseconds))",
                ]
                if let tokens { metadata["tokens"] = "\(tokens)" }
                if configuration.logsRequestBodies { metadata["body"] = "\(String(decoding: request.body, as: UTF8.self))" }
                logger.info("request", metadata: metadata)
            }
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
        case .health:
            finish(JSONResponse.make(status: .ok, body: Self.healthBody), nil)
        case .ready:
            if let scorer = scorerSlot.withLock({ $0 }) {
                finish(JSONResponse.make(status: .ok, object: ["status": "ready", "model": scorer.modelID]), nil)
            } else {
                var response = JSONResponse.make(status: .serviceUnavailable, object: ["status": "loading"])
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
                withScorer(finish) { scorer in finish(JSONResponse.make(encoding: ModelList(scorer)), nil) }
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
        let isBatch: Bool
        let threshold: Double?
        do {
            let decoded = try JSONBody.decode(ScoreRequest.self, from: request)
            (inputs, isBatch) = try decoded.scoreInputs()
            threshold = decoded.threshold
            if decoded.acd == true {
                let generator = try requireGenerator(code: "acd_not_configured")
                handleScoreWithEvidence(inputs, isBatch: isBatch, threshold: threshold, context: context, scorer: scorer,
                                        generator: generator, finish: finish)
                return
            }
        } catch {
            finish(error.response(), nil)
            return
        }
        let model = scorer.modelID
        scorer.score(inputs, threshold: threshold, isCancelled: { !context.isClientConnected }) { [self] result in
            switch result {
            case let .success(results):
                metrics.recordScored(inputs: results.count, flagged: results.filter(\.isFlagged).count)
                let tokens = results.reduce(0) { $0 + $1.tokens }
                if isBatch {
                    let body = ScoreBatchBody(results: results.map { ScoreResultBody($0, model: nil) }, model: model)
                    finish(JSONResponse.make(encoding: body), tokens)
                } else {
                    finish(JSONResponse.make(encoding: ScoreResultBody(results[0], model: model)), tokens)
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
                finish(JSONResponse.make(encoding: body), results.reduce(0) { $0 + $1.tokens })
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
