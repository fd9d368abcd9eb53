import Foundation

/// What a rail does with a flagged text.
public enum RailAction: String, Sendable, CaseIterable {
    /// Input: answer with a refusal and never call the upstream. Output: stop the answer with `content_filter`.
    case block
    /// Pass the text on and report the verdict in the `rampart` object (and the metrics).
    case annotate
}

/// One rail's policy.
public struct RailPolicy: Sendable, Equatable {
    public var action: RailAction
    /// Overrides the model's threshold for this rail (the prompt threshold for the input rail, the pair
    /// threshold for the output rail); nil keeps the model's.
    public var threshold: Double?

    public init(action: RailAction = .block, threshold: Double? = nil) {
        self.action = action
        self.threshold = threshold
    }
}

/// Proxy mode: Rampart in front of an OpenAI-compatible upstream (`rampart serve --upstream URL`).
public struct ProxyConfiguration: Sendable {
    /// The upstream's API base, as an OpenAI client's `base_url` (e.g. `http://llm:8000/v1`).
    public var upstream: URL
    /// Sent upstream as `Authorization: Bearer <key>`; nil forwards nothing (the client's own Authorization header
    /// is forwarded only when Rampart itself has no API keys).
    public var upstreamAPIKey: String?
    /// Most time the upstream may stay silent: before its response starts and between streamed chunks (504 after).
    public var upstreamTimeout: Duration
    /// Most time to open the connection and send the request (504 after; a refused connection is 502 at once).
    public var connectTimeout: Duration
    public var input: RailPolicy
    public var output: RailPolicy
    /// New characters (Unicode scalars) of a streamed answer that trigger an output-rail check. With the overlap,
    /// a check covers about 192 characters (≈ 45 tokens): with the prompt's tail it fits one 128-token guard window.
    public var checkInterval: Int
    /// Characters of already-checked text repeated at the start of the next check, so that a harmful phrase
    /// split across two checks is seen whole.
    public var checkOverlap: Int
    /// Hold each streamed chunk back until a check has covered it: no flagged text reaches the client, at the
    /// cost of about one check interval of extra latency.
    public var holdsBack: Bool
    /// Characters of earlier user/assistant turns given to the input rail as context before the last user turn.
    public var inputContextCharacters: Int
    /// The assistant message sent in place of a blocked answer.
    public var refusalMessage: String
    /// Largest upstream response body (non-streamed or an error body), in bytes (502 above).
    public var maxUpstreamBytes: Int
    /// Largest single Server-Sent Event from the upstream, in bytes (502, or an error event, above).
    public var maxEventBytes: Int

    public init(upstream: URL, upstreamAPIKey: String? = nil, upstreamTimeout: Duration = .seconds(60),
                connectTimeout: Duration = .seconds(5), input: RailPolicy = RailPolicy(), output: RailPolicy = RailPolicy(),
                checkInterval: Int = 128, checkOverlap: Int = 64, holdsBack: Bool = false,
                inputContextCharacters: Int = 400,
                refusalMessage: String = "I can't help with that request.",
                maxUpstreamBytes: Int = 8 << 20, maxEventBytes: Int = 1 << 20) {
        self.upstream = upstream
        self.upstreamAPIKey = upstreamAPIKey
        self.upstreamTimeout = upstreamTimeout
        self.connectTimeout = connectTimeout
        self.input = input
        self.output = output
        self.checkInterval = checkInterval
        self.checkOverlap = checkOverlap
        self.holdsBack = holdsBack
        self.inputContextCharacters = inputContextCharacters
        self.refusalMessage = refusalMessage
        self.maxUpstreamBytes = maxUpstreamBytes
        self.maxEventBytes = maxEventBytes
    }

    /// How far (characters) a forwarded answer may run ahead of the text finished checks have passed: two intervals
    /// when forwarding, so that a slow or overloaded scorer pauses the stream instead of letting unchecked text
    /// through without bound; none with hold-back.
    var forwardLead: Int { holdsBack ? 0 : 2 * checkInterval }

    /// `base` + `path`: `{upstream}/chat/completions`, `{upstream}/models`.
    func endpoint(_ path: String) -> URL {
        var base = upstream.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: base + "/" + path) ?? upstream
    }
}
