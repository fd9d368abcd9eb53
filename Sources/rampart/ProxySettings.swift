import Foundation
import GuardService
import Logging

/// The proxy part of `rampart serve`: off unless `--upstream` (or RAMPART_UPSTREAM) is given.
enum ProxySettings {
    static func resolve(_ command: ServeCommand, environment env: Environment) throws -> ProxyConfiguration? {
        guard let raw = env.string(command.upstream, "RAMPART_UPSTREAM") else { return nil }
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else {
            throw ConfigurationError("upstream \(raw) is not an http:// or https:// URL")
        }
        var upstream = url
        // The OpenAI convention: the API base ends in /v1. A bare host:port gets it.
        if url.path.isEmpty || url.path == "/" { upstream = url.appendingPathComponent("v1") }
        var proxy = ProxyConfiguration(upstream: upstream)
        if let file = env.string(command.upstreamApiKeyFile, "RAMPART_UPSTREAM_API_KEY_FILE") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("cannot read the upstream API key file \(file)")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty, !key.contains(where: \.isNewline) else {
                throw ConfigurationError("the upstream API key file \(file) must hold one key")
            }
            proxy.upstreamAPIKey = key
        }
        if let seconds = try env.double(command.upstreamTimeout, "RAMPART_UPSTREAM_TIMEOUT") {
            proxy.upstreamTimeout = try ServeSettings.duration(seconds, "upstream timeout")
        }
        if let seconds = try env.double(command.upstreamConnectTimeout, "RAMPART_UPSTREAM_CONNECT_TIMEOUT") {
            proxy.connectTimeout = try ServeSettings.duration(seconds, "upstream connect timeout")
        }
        proxy.input = RailPolicy(action: try action(command.inputRail, "RAMPART_INPUT_RAIL", env),
                                 threshold: try threshold(command.inputRailThreshold, "RAMPART_INPUT_RAIL_THRESHOLD", env))
        proxy.output = RailPolicy(action: try action(command.outputRail, "RAMPART_OUTPUT_RAIL", env),
                                  threshold: try threshold(command.outputRailThreshold, "RAMPART_OUTPUT_RAIL_THRESHOLD", env))
        proxy.inputContextCharacters = try env.int(command.inputRailContext, "RAMPART_INPUT_RAIL_CONTEXT")
            ?? proxy.inputContextCharacters
        proxy.checkInterval = try env.int(command.outputRailInterval, "RAMPART_OUTPUT_RAIL_INTERVAL") ?? proxy.checkInterval
        proxy.checkOverlap = try env.int(command.outputRailOverlap, "RAMPART_OUTPUT_RAIL_OVERLAP") ?? proxy.checkOverlap
        guard proxy.inputContextCharacters >= 0 else { throw ConfigurationError("input-rail context must be at least 0") }
        guard proxy.checkInterval >= 1 else { throw ConfigurationError("output-rail interval must be at least 1") }
        guard proxy.checkOverlap >= 0 else { throw ConfigurationError("output-rail overlap must be at least 0") }
        proxy.holdsBack = try env.bool(command.holdBack, "RAMPART_HOLD_BACK")
        if let message = env.string(command.refusalMessage, "RAMPART_REFUSAL_MESSAGE") { proxy.refusalMessage = message }
        return proxy
    }

    /// The proxy part of the start-up log (the upstream key only as present or not).
    static func log(_ proxy: ProxyConfiguration, to logger: Logger) {
        logger.notice("proxy", metadata: [
            "upstream": "\(proxy.upstream.absoluteString)",
            "upstream_api_key": "\(proxy.upstreamAPIKey == nil ? "none" : "[redacted]")",
            "upstream_timeout_ms": "\(proxy.upstreamTimeout.milliseconds)",
            "connect_timeout_ms": "\(proxy.connectTimeout.milliseconds)",
            "input_rail": "\(proxy.input.action.rawValue)",
            "input_threshold": "\(proxy.input.threshold.map { "\($0)" } ?? "model default")",
            "input_context": "\(proxy.inputContextCharacters)",
            "output_rail": "\(proxy.output.action.rawValue)",
            "output_threshold": "\(proxy.output.threshold.map { "\($0)" } ?? "model default")",
            "check_interval": "\(proxy.checkInterval)", "check_overlap": "\(proxy.checkOverlap)",
            "hold_back": "\(proxy.holdsBack)",
        ])
    }

    private static func action(_ flag: RailAction?, _ name: String, _ env: Environment) throws -> RailAction {
        guard let raw = env.string(flag?.rawValue, name) else { return .block }
        guard let action = RailAction(rawValue: raw.lowercased()) else {
            throw ConfigurationError("\(name)=\(raw) is not one of block, annotate")
        }
        return action
    }

    private static func threshold(_ flag: Double?, _ name: String, _ env: Environment) throws -> Double? {
        guard let value = try env.double(flag, name) else { return nil }
        guard (0 ... 1).contains(value) else { throw ConfigurationError("\(name) \(value) is outside [0, 1]") }
        return value
    }
}
