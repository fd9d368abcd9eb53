import Foundation
import Synchronization

/// A response body the handler pushes piece by piece (e.g. Server-Sent Events). The server writes
/// each piece as one chunk (RFC 9112 §7.1) as soon as the response is next in line, and the
/// terminating zero chunk after `finish()`. Thread-safe: write from any thread.
public final class HTTPBodyStream: Sendable {
    private struct State {
        var pending: [Data] = []
        var isFinished = false
        var isClosed = false
        /// Set by the server once the response is being written; called when data arrives.
        var onReadable: (@Sendable () -> Void)?
        /// Whether `onReadable` was called and the server has not drained since (coalesces wake-ups).
        var isWakePending = false

        mutating func takeWake() -> (@Sendable () -> Void)? {
            guard let onReadable, !isWakePending else { return nil }
            isWakePending = true
            return onReadable
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// Queues `data` to be sent as one chunk. Empty data is ignored (an empty chunk would end the body).
    /// Throws `HTTPServerError.streamClosed` when the client has gone or the stream was finished.
    public func write(_ data: Data) throws {
        guard !data.isEmpty else { return }
        let (accepted, wake) = state.withLock { state -> (Bool, (@Sendable () -> Void)?) in
            guard !state.isClosed, !state.isFinished else { return (false, nil) }
            state.pending.append(data)
            return (true, state.takeWake())
        }
        guard accepted else { throw HTTPServerError.streamClosed }
        wake?()
    }

    /// Ends the body. Later writes throw; calling it twice is harmless.
    public func finish() {
        let wake = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.isFinished else { return nil }
            state.isFinished = true
            return state.takeWake()
        }
        wake?()
    }

    /// False once the connection has closed (writes would throw) — stop producing.
    public var isOpen: Bool { state.withLock { !$0.isClosed && !$0.isFinished } }

    // MARK: Server side

    /// Starts delivery: `onReadable` is called (from the writing thread) whenever data or the end
    /// becomes available. Called once, on the event loop.
    func attach(onReadable: @escaping @Sendable () -> Void) {
        let wakeNow = state.withLock { state -> Bool in
            state.onReadable = onReadable
            return !state.pending.isEmpty || state.isFinished
        }
        if wakeNow { onReadable() }
    }

    /// Takes the queued pieces and whether the stream has finished.
    func drain() -> (pieces: [Data], isFinished: Bool) {
        state.withLock { state in
            let pieces = state.pending
            state.pending.removeAll(keepingCapacity: false)
            state.isWakePending = false
            return (pieces, state.isFinished)
        }
    }

    /// The connection went away: drop queued data and refuse further writes.
    func close() {
        state.withLock { state in
            state.isClosed = true
            state.pending.removeAll()
            state.onReadable = nil
        }
    }
}
