import Architectures
import ArgumentParser
import Dispatch
import Foundation
import Generation
import GuardService
import HTTPServer
import Logging
import Metrics
import Prometheus
import Scoring

/// `rampart serve`: the HTTP server in front of the guard model.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the guard model over HTTP (scoring API, OpenAI moderations, health, metrics).",
        discussion: "Every option can also be set through the environment variable named in its help; a flag wins over the variable."
    )

    @Option(help: "Guard model directory (config.json, model.safetensors, tokenizer.json). Env RAMPART_MODEL. Default: the shipped Models/rampart-guard-minilm.")
    var model: String?

    @Option(help: "Address to bind. Env RAMPART_HOST. Default: 127.0.0.1 (containers pass 0.0.0.0).")
    var host: String?

    @Option(help: "TCP port. Env RAMPART_PORT. Default: 8080.")
    var port: Int?

    @Option(help: "OpenBLAS threads of the inference worker. Env RAMPART_THREADS. Default: the number of CPUs.")
    var threads: Int?

    @Option(help: "Encoder arithmetic: auto, fp32, or int8 (AVX-512 VNNI CPUs; about 3x faster; see the README's int8 table for the default model). Env RAMPART_PRECISION. Default: auto (int8 where the CPU has AVX-512 VNNI, else fp32).")
    var precision: PrecisionChoice?

    @Option(help: "Flag threshold on P(unsafe). Env RAMPART_THRESHOLD. Default: the model's rampart.json threshold (pair_threshold for prompt+response pairs), else 0.5; a value given here applies to both.")
    var threshold: Double?

    @Option(help: "Long inputs: window (score overlapping windows, report the maximum) or truncate. Env RAMPART_LONG_INPUT. Default: window.")
    var longInput: LongInputPolicy?

    @Option(help: "Window length in tokens. Env RAMPART_MAX_LENGTH. Default: the model's rampart.json max_length, else 512.")
    var maxLength: Int?

    @Option(help: "Most padded tokens per forward pass. Env RAMPART_MAX_BATCH_TOKENS. Default: 8192.")
    var maxBatchTokens: Int?

    @Option(help: "Most windows per forward pass. Env RAMPART_MAX_BATCH_SIZE. Default: 32.")
    var maxBatchSize: Int?

    @Option(help: "Most windows waiting before requests get 429. Env RAMPART_MAX_QUEUE. Default: 2048.")
    var maxQueue: Int?

    @Option(help: "Per-request scoring timeout in seconds. Env RAMPART_REQUEST_TIMEOUT. Default: 30.")
    var requestTimeout: Double?

    @Flag(help: "Pass inputs whose scoring failed instead of flagging them. Env RAMPART_FAIL_OPEN. Default: fail closed.")
    var failOpen = false

    @Option(help: "Largest request body in bytes (413 above). Env RAMPART_MAX_BODY_BYTES. Default: 2097152.")
    var maxBodyBytes: Int?

    @Option(help: "Most open connections (503 above). Env RAMPART_MAX_CONNECTIONS. Default: 1024.")
    var maxConnections: Int?

    @Option(help: "Seconds an idle keep-alive connection stays open. Env RAMPART_IDLE_TIMEOUT. Default: 60.")
    var idleTimeout: Double?

    @Option(help: "Seconds a client may take to send the request headers (408 after). Env RAMPART_HEADER_TIMEOUT. Default: 10.")
    var headerTimeout: Double?

    @Option(help: "File with one API key per line; requests then need Authorization: Bearer <key>. Env RAMPART_API_KEYS_FILE (or RAMPART_API_KEYS, comma-separated). Default: no authentication.")
    var apiKeysFile: String?

    @Option(help: "Browser origins allowed by CORS, comma-separated, or *. Env RAMPART_CORS_ORIGINS. Default: CORS off.")
    var corsOrigins: [String] = []

    @Option(help: "Seconds to finish in-flight requests after SIGTERM/SIGINT. Env RAMPART_SHUTDOWN_GRACE. Default: 10.")
    var shutdownGrace: Double?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env RAMPART_LOG_LEVEL. Default: info.")
    var logLevel: String?

    @Flag(help: "Log request bodies (prompt and response text). Env RAMPART_LOG_BODIES. Default: off.")
    var logBodies = false

    @Option(help: "Causal chat model for /v1/generate and ACD evidence: a GGUF file or a Llama model directory. Env RAMPART_CAUSAL_MODEL. Default: none (generation and ACD off).")
    var causalModel: String?

    @Option(help: "ACD contrast strength α in logits_safe − α·logits_adversarial. Env RAMPART_ACD_ALPHA. Default: 0.5.")
    var acdAlpha: Double?

    @Option(help: "Safeguarding system prompt (text file). Env RAMPART_ACD_SAFE_PROMPT_FILE. Default: Models/acd/prompts/safe.txt.")
    var acdSafePromptFile: String?

    @Option(help: "Adversarial system prompt (text file). Env RAMPART_ACD_ADVERSARIAL_PROMPT_FILE. Default: Models/acd/prompts/adversarial.txt.")
    var acdAdversarialPromptFile: String?

    @Option(help: "Optimized soft prompts (safetensors with safe and adversarial [n, hidden]) prepended to the branches. Env RAMPART_ACD_SOFT_PROMPTS. Default: none.")
    var acdSoftPrompts: String?

    @Option(help: "Evidence calibration JSON (slope, intercept). Env RAMPART_ACD_CALIBRATION. Default: none, i.e. sigmoid(evidence) (Models/acd/calibration-smollm2-outputs.json is opt-in; see the README).")
    var acdCalibration: String?

    @Option(help: "How ACD enters /v1/score decisions: classifier (reported beside), max or mean. Env RAMPART_ACD_DECISION. Default: classifier.")
    var acdDecision: String?

    @Option(help: "Proxy mode: the OpenAI-compatible upstream's API base (e.g. http://llm:8000/v1); /v1/chat/completions and /v1/models are forwarded through the guard rails. Env RAMPART_UPSTREAM. Default: none (proxy off).")
    var upstream: String?

    @Option(help: "File holding the API key sent upstream as Authorization: Bearer. Env RAMPART_UPSTREAM_API_KEY_FILE. Default: none (the client's Authorization header is forwarded when Rampart has no API keys of its own).")
    var upstreamApiKeyFile: String?

    @Option(help: "Seconds the upstream may stay silent, before its answer starts and between streamed chunks (504 after). Env RAMPART_UPSTREAM_TIMEOUT. Default: 60.")
    var upstreamTimeout: Double?

    @Option(help: "Seconds to connect to the upstream and send the request (504 after; a refused connection is 502 at once). Env RAMPART_UPSTREAM_CONNECT_TIMEOUT. Default: 5.")
    var upstreamConnectTimeout: Double?

    @Option(help: "What the input rail does with a flagged conversation: block (refusal, no upstream call) or annotate (forward, report in the rampart object). Env RAMPART_INPUT_RAIL. Default: block.")
    var inputRail: RailAction?

    @Option(help: "Input-rail threshold on P(unsafe). Env RAMPART_INPUT_RAIL_THRESHOLD. Default: the model's prompt threshold (or --threshold).")
    var inputRailThreshold: Double?

    @Option(help: "Characters of earlier user and assistant turns scored as context before the last user turn. Env RAMPART_INPUT_RAIL_CONTEXT. Default: 400.")
    var inputRailContext: Int?

    @Option(help: "What the output rail does with a flagged answer: block (stop with finish_reason content_filter) or annotate. Env RAMPART_OUTPUT_RAIL. Default: block.")
    var outputRail: RailAction?

    @Option(help: "Output-rail threshold on P(unsafe) of the (prompt, answer) pair. Env RAMPART_OUTPUT_RAIL_THRESHOLD. Default: the model's pair threshold (or --threshold).")
    var outputRailThreshold: Double?

    @Option(help: "New characters of a streamed answer that trigger an output-rail check. Env RAMPART_OUTPUT_RAIL_INTERVAL. Default: 128.")
    var outputRailInterval: Int?

    @Option(help: "Characters of already-checked answer repeated at the start of the next check. Env RAMPART_OUTPUT_RAIL_OVERLAP. Default: 64.")
    var outputRailOverlap: Int?

    @Flag(help: "Hold streamed chunks back until a check has covered them: no flagged text reaches the client, about one check interval more latency. Env RAMPART_HOLD_BACK. Default: off (forward at once, stop at the next check).")
    var holdBack = false

    @Option(help: "The assistant message sent in place of a blocked answer. Env RAMPART_REFUSAL_MESSAGE. Default: I can't help with that request.")
    var refusalMessage: String?

    func run() throws {
        let settings: ServeSettings
        do {
            settings = try ServeSettings(self, environment: Environment())
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "rampart")
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(factory)
        settings.log(to: logger)

        let service = GuardService(configuration: settings.service, registry: registry, metricsFactory: factory,
                                   logger: logger)
        let server = HTTPServer(configuration: settings.http, handler: service, logger: logger)
        do {
            try server.start()
        } catch {
            logger.critical("cannot listen", metadata: ["host": "\(settings.http.host)", "port": "\(settings.http.port)",
                                                         "error": "\(error)"])
            throw ExitCode(1)
        }
        logger.notice("listening", metadata: ["address": "\(settings.http.host):\(server.boundPort)"])

        let generatorBox = GeneratorBox()
        let scorerBox = ScorerBox()
        let loader = Thread {
            do {
                let scorer = try GuardScorer(modelDirectory: settings.modelDirectory, configuration: settings.scoring,
                                             logger: logger)
                try scorer.warmUp()
                // The causal model loads before the scorer is attached, so /ready covers both when configured.
                if let causal = settings.causal {
                    let decoder = try causal.makeDecoder(threads: settings.scoring.threads)
                    let worker = GenerationWorker(decoder: decoder,
                                                  configuration: GenerationConfiguration(defaultAlpha: causal.alpha), logger: logger)
                    worker.start()
                    generatorBox.set(worker)
                    service.attach(generator: worker, decision: causal.decision)
                    logger.notice("causal model ready", metadata: [
                        "model": "\(decoder.lm.name)", "alpha": "\(causal.alpha)", "prompts": "\(causal.promptSource)",
                        "soft_prompts": "\(causal.softPrompts?.path ?? "none")",
                        "calibration": "\(causal.calibration?.path ?? "none")", "decision": "\(causal.decision.rawValue)"])
                }
                scorerBox.set(scorer)
                service.attach(scorer)
                logger.notice("ready", metadata: ["model": "\(scorer.modelID)", "load_ms": "\(scorer.loadDuration.milliseconds)",
                                                   "max_length": "\(scorer.maxLength)", "threshold": "\(scorer.threshold)",
                                                   "pair_threshold": "\(scorer.pairThreshold)"])
            } catch {
                logger.critical("cannot load the model", metadata: ["error": "\(error)"])
                Foundation.exit(1)
            }
        }
        loader.name = "rampart-loader"
        loader.start()

        let grace = settings.shutdownGrace
        let signals = [SIGTERM, SIGINT].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { @Sendable in
                logger.notice("draining", metadata: ["signal": "\(number)"])
                server.shutdown(gracePeriod: grace)
            }
            source.resume()
            return source
        }
        server.run()
        scorerBox.get()?.shutdown()
        generatorBox.get()?.shutdown()
        signals.forEach { $0.cancel() }
        logger.notice("stopped")
    }
}

/// Hands the loaded scorer from the loader thread to the shutdown path.
private final class ScorerBox: @unchecked Sendable {
    private let lock = NSLock()
    private var scorer: GuardScorer?

    func set(_ scorer: GuardScorer) { lock.withLock { self.scorer = scorer } }
    func get() -> GuardScorer? { lock.withLock { scorer } }
}

/// Hands the generation worker from its loader thread to the shutdown path.
private final class GeneratorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var worker: GenerationWorker?

    func set(_ worker: GenerationWorker) { lock.withLock { self.worker = worker } }
    func get() -> GenerationWorker? { lock.withLock { worker } }
}

extension Duration {
    var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}

extension LongInputPolicy: ExpressibleByArgument {}
extension RailAction: ExpressibleByArgument {}
