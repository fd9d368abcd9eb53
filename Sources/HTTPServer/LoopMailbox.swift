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
        let needsWake = state.withLock { state -> Bool in
            state.messages.append(message)
            guard !onLoop, !state.isWakeSignalled else { return false }
            state.isWakeSignalled = true
            return true
        }
        if needsWake { cepoll_eventfd_signal(wakeDescriptor) }
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
