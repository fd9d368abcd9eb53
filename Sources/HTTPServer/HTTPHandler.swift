/// The application side of the server: one handler receives every request and sees every response.
public protocol HTTPHandler: Sendable {
    /// Handles one request.
    ///
    /// Called on a server event-loop thread: it must not block for long (hand heavy work to another
    /// thread). Call `respond` exactly once, from any thread, at any later time; the server writes
    /// responses in request order even when pipelined requests are answered out of order. Later calls
    /// are ignored. `context.isClientConnected` turns false when the peer goes away.
    func handle(
        _ request: HTTPRequest, context: HTTPRequestContext,
        respond: @escaping @Sendable (HTTPResponse) -> Void)

    /// The response middleware: called exactly once for every response the server writes, just before
    /// it is encoded (gzip) and serialized, both for the handler's own responses and for those the
    /// server makes itself (400, 408, 413, 415, 431, 503 at the connection limit). The one place for
    /// what every response needs: CORS headers, metrics, the access log.
    ///
    /// Runs on the thread that called `respond` for the handler's responses and on the event loop for
    /// the server's own: keep it short and never block. The default does nothing.
    func willSend(_ response: inout HTTPResponse, for exchange: HTTPExchange)
}

extension HTTPHandler {
    public func willSend(_ response: inout HTTPResponse, for exchange: HTTPExchange) {}
}
