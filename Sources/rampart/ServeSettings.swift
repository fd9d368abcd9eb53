import Architectures
import Foundation
import GuardService
import HTTPServer
import Logging
import Scoring

/// The effective configuration of `rampart serve`, resolved once: flag > `RAMPART_*` > default.
struct ServeSettings {
    var modelDirectory: URL
    var http: HTTPServerConfiguration
    var scoring: ScoringConfiguration
    var service: ServiceConfiguration
    var shutdownGrace: Duration
    var logLevel: Logger.Level
    /// nil unless `--causal-model` is given.
    var causal: CausalSettings?

    init(_ command: ServeCommand, environment env: Environment) throws {
        modelDirectory = try DefaultModel.resolve(env.string(command.model, "RAMPART_MODEL"))

        http = HTTPServerConfiguration()
        http.host = env.string(command.host, "RAMPART_HOST") ?? http.host
        http.port = try env.int(command.port, "RAMPART_PORT") ?? http.port
        guard (0 ... 65535).contains(http.port) else { throw ConfigurationError("port \(http.port) is outside 0...65535") }
        http.maxBodyBytes = try env.int(command.maxBodyBytes, "RAMPART_MAX_BODY_BYTES") ?? http.maxBodyBytes
        http.maxConnections = try env.int(command.maxConnections, "RAMPART_MAX_CONNECTIONS") ?? http.maxConnections
        if let idle = try env.double(command.idleTimeout, "RAMPART_IDLE_TIMEOUT") {
            http.idleTimeout = try Self.duration(idle, "idle timeout")
        }

        if let header = try env.double(command.headerTimeout, "RAMPART_HEADER_TIMEOUT") {
            http.headerTimeout = try Self.duration(header, "header timeout")
        }

        scoring = ScoringConfiguration()
        scoring.threads = try env.int(command.threads, "RAMPART_THREADS") ?? ProcessInfo.processInfo.activeProcessorCount
        guard (1 ... 256).contains(scoring.threads) else { throw ConfigurationError("threads must be within 1...256") }
        let rawPrecision = env.string(command.precision?.rawValue, "RAMPART_PRECISION") ?? PrecisionChoice.auto.rawValue
        guard let precision = PrecisionChoice(rawValue: rawPrecision) else {
            throw ConfigurationError("precision \(rawPrecision) is not one of auto, fp32, int8")
        }
        scoring.precision = precision.resolved()
        scoring.threshold = try env.double(command.threshold, "RAMPART_THRESHOLD")
        if let threshold = scoring.threshold, !(0 ... 1).contains(threshold) {
            throw ConfigurationError("threshold \(threshold) is outside [0, 1]")
        }
        if let raw = env.string(command.longInput?.rawValue, "RAMPART_LONG_INPUT") {
            guard let policy = LongInputPolicy(rawValue: raw) else {
                throw ConfigurationError("long-input policy \(raw) is not one of window, truncate")
            }
            scoring.longInputPolicy = policy
        }
        scoring.maxLength = try env.int(command.maxLength, "RAMPART_MAX_LENGTH")
        scoring.maxBatchTokens = try env.int(command.maxBatchTokens, "RAMPART_MAX_BATCH_TOKENS") ?? scoring.maxBatchTokens
        scoring.maxBatchSize = try env.int(command.maxBatchSize, "RAMPART_MAX_BATCH_SIZE") ?? scoring.maxBatchSize
        scoring.maxQueuedWindows = try env.int(command.maxQueue, "RAMPART_MAX_QUEUE") ?? scoring.maxQueuedWindows
        for (value, name) in [(scoring.maxBatchTokens, "max batch tokens"), (scoring.maxBatchSize, "max batch size"),
                              (scoring.maxQueuedWindows, "max queue")] where value < 1 {
            throw ConfigurationError("\(name) must be at least 1")
        }
        if let timeout = try env.double(command.requestTimeout, "RAMPART_REQUEST_TIMEOUT") {
            scoring.requestTimeout = try Self.duration(timeout, "request timeout")
        }
        scoring.failurePolicy = try env.bool(command.failOpen, "RAMPART_FAIL_OPEN") ? .open : .closed

        var keys = env.list([], "RAMPART_API_KEYS")
        if let file = env.string(command.apiKeysFile, "RAMPART_API_KEYS_FILE") {
            keys += try Self.readKeys(file)
        }
        service = ServiceConfiguration(apiKeys: keys, corsAllowedOrigins: env.list(command.corsOrigins, "RAMPART_CORS_ORIGINS"),
                                       logsRequestBodies: try env.bool(command.logBodies, "RAMPART_LOG_BODIES"),
                                       proxy: try ProxySettings.resolve(command, environment: env))
        shutdownGrace = try Self.duration(try env.double(command.shutdownGrace, "RAMPART_SHUTDOWN_GRACE") ?? 10, "shutdown grace")
        let level = env.string(command.logLevel, "RAMPART_LOG_LEVEL") ?? "info"
        guard let logLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw ConfigurationError("log level \(level) is not one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        causal = try CausalSettings(command, environment: env)
    }

    /// Logs the effective configuration at start-up; API keys appear only as a count.
    func log(to logger: Logger) {
        logger.notice("configuration", metadata: [
            "model": "\(modelDirectory.path)",
            "host": "\(http.host)", "port": "\(http.port)",
            "threads": "\(scoring.threads)", "precision": "\(scoring.precision.rawValue)",
            "threshold": "\(scoring.threshold.map { "\($0)" } ?? "model default")",
            "long_input": "\(scoring.longInputPolicy.rawValue)",
            "max_length": "\(scoring.maxLength.map { "\($0)" } ?? "model default")",
            "max_batch_tokens": "\(scoring.maxBatchTokens)", "max_batch_size": "\(scoring.maxBatchSize)",
            "max_queue": "\(scoring.maxQueuedWindows)",
            "request_timeout_s": "\(scoring.requestTimeout.components.seconds)",
            "failure_policy": "\(scoring.failurePolicy.rawValue)",
            "max_body_bytes": "\(http.maxBodyBytes)", "header_timeout_ms": "\(http.headerTimeout.milliseconds)",
            "idle_timeout_ms": "\(http.idleTimeout.milliseconds)", "max_connections": "\(http.maxConnections)",
            "api_keys": "\(service.apiKeys.isEmpty ? "off" : "\(service.apiKeys.count) key(s) [redacted]")",
            "cors_origins": "\(service.corsAllowedOrigins.isEmpty ? "off" : service.corsAllowedOrigins.joined(separator: ","))",
            "log_bodies": "\(service.logsRequestBodies)",
            "causal_model": "\(causal?.model.path ?? "off")",
        ])
        if let proxy = service.proxy { ProxySettings.log(proxy, to: logger) }
    }

    static func duration(_ seconds: Double, _ name: String) throws -> Duration {
        guard seconds > 0, seconds.isFinite else { throw ConfigurationError("\(name) must be a positive number of seconds") }
        return .milliseconds(Int64(seconds * 1000))
    }

    private static func readKeys(_ path: String) throws -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("cannot read the API keys file \(path)")
        }
        let keys = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !keys.isEmpty else { throw ConfigurationError("the API keys file \(path) holds no keys") }
        return keys
    }
}
