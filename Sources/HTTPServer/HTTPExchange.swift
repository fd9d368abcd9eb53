/// What the server knows about the request a response answers, for `HTTPHandler.willSend`.
public struct HTTPExchange: Sendable {
    /// Who made the response.
    public enum Origin: Sendable, Equatable {
        /// The handler, through `respond`.
        case handler
        /// The server itself: a protocol error, a limit or a timeout, answered without the handler.
        case server
    }

    /// The request, as far as it was read: nil when the server answered before it had a complete
    /// request head (a malformed request line, 431, 408, 503 at the connection limit); its body is
    /// empty when the server answered without the body (413, 415).
    public let request: HTTPRequest?
    /// When the request was received (for a server response without a request: when it was made).
    public let receivedAt: ContinuousClock.Instant
    /// The peer as `ip:port`.
    public let remoteAddress: String
    public let origin: Origin

    public init(request: HTTPRequest?, receivedAt: ContinuousClock.Instant, remoteAddress: String, origin: Origin) {
        self.request = request
        self.receivedAt = receivedAt
        self.remoteAddress = remoteAddress
        self.origin = origin
    }
}
