import CEpoll
import Glibc
import Synchronization

/// The only way other threads talk to the event loop: messages queued under a mutex, and an
/// eventfd registered with epoll to wake the loop. Posts from the loop thread itself skip the
/// wake-up, since the loop drains the mailbox at the end of every iteration.
final class LoopMailbox: Sendable {
    enum Message: Sendable {
        /// A handler's response to request `sequence` on connection `connection`.
        case response(connection: UInt64, sequence: UInt64, HTTPResponse)
        /// A streaming body of `connection` has data or has finished.
        case streamReadable(connection: UInt64)
        /// Stop accepting and drain within `gracePeriod`.
        case shutdown(gracePeriod: Duration)
    }

    private struct State {
        var messages: [Message] = []
        var isWakeSignalled = false
        /// The loop has ended and the eventfd is closed: posts are dropped.
        var isClosed = false
    }

    let wakeDescriptor: Int32
    private let state = Mutex(State())
    /// pthread_self() of the loop thread, 0 before the loop runs.
    private let loopThread = Atomic<UInt>(0)

    init(wakeDescriptor: Int32) {
        self.wakeDescriptor = wakeDescriptor
    }

    func markLoopThread() { loopThread.store(UInt(pthread_self()), ordering: .releasing) }

    func post(_ message: Message) {
        let onLoop = loopThread.load(ordering: .acquiring) == UInt(pthread_self())
        let isAccepted = state.withLock { state -> Bool in
            guard !state.isClosed else { return false }
            state.messages.append(message)
            guard !onLoop, !state.isWakeSignalled else { return true }
            state.isWakeSignalled = true
            // Signalled under the lock so that `close()` cannot close (and the kernel reuse) the
            // descriptor between the check and the write.
            cepoll_eventfd_signal(wakeDescriptor)
            return true
        }
        // A streaming response that arrives after the server stopped will never be written.
        if !isAccepted, case .response(_, _, let response) = message, case .stream(let stream) = response.body {
            stream.close()
        }
    }

    /// Called by the loop as it ends: drops pending messages and closes the eventfd.
    func close() {
        state.withLock { state in
            state.isClosed = true
            state.messages.removeAll()
            Glibc.close(wakeDescriptor)
        }
    }

    /// Takes every queued message, oldest first.
    func takeAll() -> [Message] {
        state.withLock { state in
            state.isWakeSignalled = false
            guard !state.messages.isEmpty else { return [] }
            let messages = state.messages
            state.messages.removeAll(keepingCapacity: true)
            return messages
        }
    }
}
