/// The application side of the server: one handler receives every request.
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
}
