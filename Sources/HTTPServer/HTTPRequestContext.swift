import Synchronization

/// Per-request information shared between the server and the handler, safe to read from any thread.
public final class HTTPRequestContext: Sendable {
    /// When the server had received the whole request.
    public let receivedAt: ContinuousClock.Instant
    private let connected = Atomic<Bool>(true)
    private let responded = Atomic<Bool>(false)
    /// Called once when the client goes away (nil once called).
    private let disconnectHandlers = Mutex<[@Sendable () -> Void]?>([])

    public init(receivedAt: ContinuousClock.Instant) {
        self.receivedAt = receivedAt
    }

    /// False once the peer has closed its side (read returned 0 / EPOLLRDHUP) or the connection was
    /// closed; work for a departed client can be dropped.
    public var isClientConnected: Bool { connected.load(ordering: .acquiring) }

    /// Runs `handler` once when the client goes away, on the thread that notices it (an event loop: keep it
    /// short, e.g. cancel an upstream request); at once when it has already gone.
    public func onDisconnect(_ handler: @escaping @Sendable () -> Void) {
        let registered = disconnectHandlers.withLock { handlers -> Bool in
            guard handlers != nil else { return false }
            handlers?.append(handler)
            return true
        }
        if !registered { handler() }
    }

    func markDisconnected() {
        connected.store(false, ordering: .releasing)
        let handlers = disconnectHandlers.withLock { handlers -> [@Sendable () -> Void] in
            defer { handlers = nil }
            return handlers ?? []
        }
        for handler in handlers { handler() }
    }

    /// True for the first call only: enforces "respond exactly once".
    func claimResponse() -> Bool { !responded.exchange(true, ordering: .acquiringAndReleasing) }
}
