/// The HTTP-facing policy of the guard service: authentication, CORS and logging. Defaults are the safe choice.
public struct ServiceConfiguration: Sendable {
    /// Accepted Bearer API keys; empty disables authentication (the default: bind to loopback instead).
    public var apiKeys: [String]
    /// Origins allowed to call from a browser (`*` for any); empty disables CORS (the default).
    public var corsAllowedOrigins: [String]
    /// Log prompt and response text with each request. Off by default: guard inputs are often sensitive.
    public var logsRequestBodies: Bool
    /// Proxy mode: chat completions go to this upstream through the input and output rails; nil (the default) is off.
    public var proxy: ProxyConfiguration?

    public init(apiKeys: [String] = [], corsAllowedOrigins: [String] = [], logsRequestBodies: Bool = false,
                proxy: ProxyConfiguration? = nil) {
        self.apiKeys = apiKeys
        self.corsAllowedOrigins = corsAllowedOrigins
        self.logsRequestBodies = logsRequestBodies
        self.proxy = proxy
    }
}
