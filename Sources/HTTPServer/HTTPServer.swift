import Logging
import Synchronization

/// An HTTP/1.1 server on POSIX sockets and one epoll event-loop thread (no SwiftNIO).
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8080), handler: MyHandler(), logger: logger)
/// try server.start()          // bind + listen
/// server.run()                // blocks; another thread calls server.shutdown(gracePeriod: .seconds(10))
/// ```
public final class HTTPServer: Sendable {
    private enum Phase {
        case created
        case started(EventLoop)
        case running(EventLoop)
        case finished
    }

    private struct State {
        var phase = Phase.created
        var boundPort = 0
        /// A shutdown requested before `start()`: `run()` then returns at once.
        var isShutdownRequested = false
    }

    public let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let state = Mutex(State())

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    /// Validates the configuration, binds and listens. Throws `HTTPServerError.socket` (with errno,
    /// e.g. EADDRINUSE), `.invalidAddress`, `.invalidConfiguration`, or `.invalidState` when called twice.
    public func start() throws {
        let alreadyStarted = state.withLock { state -> Bool in
            if case .created = state.phase { return false }
            return true
        }
        guard !alreadyStarted else { throw HTTPServerError.invalidState("HTTPServer.start() called twice") }
        try configuration.validate()
        let loop = try EventLoop(configuration: configuration, handler: handler, logger: logger)
        state.withLock { state in
            state.phase = .started(loop)
            state.boundPort = loop.boundPort
        }
        logger.info("listening on \(configuration.host):\(loop.boundPort)")
    }

    /// The port actually bound (useful with port 0); 0 before `start()`.
    public var boundPort: Int { state.withLock { $0.boundPort } }

    /// Runs the event loop on the calling thread until `shutdown` has drained it. Returns at once
    /// if the server was not started or has already run.
    public func run() {
        let loop = state.withLock { state -> EventLoop? in
            guard case .started(let loop) = state.phase else { return nil }
            state.phase = .running(loop)
            if state.isShutdownRequested { loop.mailbox.post(.shutdown(gracePeriod: .zero)) }
            return loop
        }
        guard let loop else {
            logger.error("HTTPServer.run() called before start() or after the server finished")
            return
        }
        loop.run()
        state.withLock { $0.phase = .finished }
        logger.info("server stopped")
    }

    /// Stops accepting, closes idle connections, lets in-flight requests finish (their responses
    /// carry `Connection: close`) for up to `gracePeriod`, then closes the rest and makes `run()`
    /// return. Safe from any thread (not from an async signal handler: use a DispatchSource);
    /// does not wait.
    public func shutdown(gracePeriod: Duration) {
        let loop = state.withLock { state -> EventLoop? in
            switch state.phase {
            case .created:
                state.isShutdownRequested = true
                return nil
            case .started(let loop), .running(let loop):
                return loop
            case .finished:
                return nil
            }
        }
        loop?.mailbox.post(.shutdown(gracePeriod: gracePeriod))
    }
}
