import Synchronization

/// Per-request information shared between the server and the handler, safe to read from any thread.
public final class HTTPRequestContext: Sendable {
    /// When the server had received the whole request.
    public let receivedAt: ContinuousClock.Instant
    private let connected = Atomic<Bool>(true)
    private let responded = Atomic<Bool>(false)

    public init(receivedAt: ContinuousClock.Instant) {
        self.receivedAt = receivedAt
    }

    /// False once the peer has closed its side (read returned 0 / EPOLLRDHUP) or the connection was
    /// closed; work for a departed client can be dropped.
    public var isClientConnected: Bool { connected.load(ordering: .acquiring) }

    func markDisconnected() { connected.store(false, ordering: .releasing) }

    /// True for the first call only: enforces "respond exactly once".
    func claimResponse() -> Bool { !responded.exchange(true, ordering: .acquiringAndReleasing) }
}
