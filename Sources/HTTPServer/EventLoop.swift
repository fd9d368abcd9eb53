import CEpoll
import Glibc
import Logging

/// The epoll loop: accepts connections, reads, parses, calls the handler, writes responses in
/// order, enforces timeouts and drains on shutdown. Level-triggered; one thread runs `run()`.
///
/// `@unchecked Sendable`: the instance is created by `HTTPServer.start()` and afterwards touched
/// only by the thread inside `run()`; other threads reach it through `mailbox` alone.
final class EventLoop: @unchecked Sendable {
    static let listenerToken: UInt64 = 0
    static let wakeToken: UInt64 = 1
    /// How often timeouts are checked; also the longest epoll_wait.
    static let sweepInterval = Duration.milliseconds(50)
    /// How long a closing connection keeps reading after our FIN, so that unread request bytes do
    /// not turn the close into a reset that destroys the error response in flight.
    static let lingerTime = Duration.seconds(2)
    /// Connections beyond maxConnections kept open to receive their 503 (more are just closed).
    static let maxRejectedConnections = 64
    /// Unsent bytes beyond which a streaming body is not drained further into the output buffer.
    static let streamOutputHighWater = 1 << 20

    let configuration: HTTPServerConfiguration
    let handler: any HTTPHandler
    let logger: Logger
    let mailbox: LoopMailbox
    let epollDescriptor: Int32
    private(set) var listenDescriptor: Int32
    let boundPort: Int

    var connections: [UInt64: Connection] = [:]
    var openConnections = 0
    var rejectedConnections = 0
    private var nextConnectionID: UInt64 = 2
    var now = ContinuousClock.now
    var dateCache = HTTPDateCache()
    private var lastSweep = ContinuousClock.now
    var isDraining = false
    /// HTTP/2 connections with responses submitted since the last mailbox drain.
    var http2FlushPending: [Connection] = []
    private var drainDeadline: ContinuousClock.Instant?
    private var acceptResumesAt: ContinuousClock.Instant?
    /// Input buffered beyond this pauses reading (only while parsing is paused).
    let inputLimit: Int

    init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) throws {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        inputLimit = configuration.maxRequestLineBytes + configuration.maxHeaderBytes + 64 * 1024

        var port: Int32 = 0, step: Int32 = 0
        let listener = cepoll_listen_tcp(
            configuration.host, Int32(configuration.port), Int32(configuration.backlog), &port, &step)
        guard listener >= 0 else {
            let code = cepoll_errno()
            let address = "\(configuration.host):\(configuration.port)"
            switch step {
            case Int32(CEPOLL_STEP_RESOLVE):
                throw HTTPServerError.invalidAddress(
                    host: configuration.host, reason: String(cString: gai_strerror(-code)))
            case Int32(CEPOLL_STEP_SOCKET): throw HTTPServerError.socket(operation: "socket", errno: code)
            case Int32(CEPOLL_STEP_SETSOCKOPT): throw HTTPServerError.socket(operation: "setsockopt SO_REUSEADDR", errno: code)
            case Int32(CEPOLL_STEP_BIND): throw HTTPServerError.socket(operation: "bind \(address)", errno: code)
            case Int32(CEPOLL_STEP_LISTEN): throw HTTPServerError.socket(operation: "listen \(address)", errno: code)
            default: throw HTTPServerError.socket(operation: "getsockname", errno: code)
            }
        }
        let epoll = cepoll_create()
        let wake = cepoll_eventfd()
        guard epoll >= 0, wake >= 0 else {
            let code = cepoll_errno()
            Glibc.close(listener)
            if epoll >= 0 { Glibc.close(epoll) }
            throw HTTPServerError.socket(operation: epoll < 0 ? "epoll_create1" : "eventfd", errno: code)
        }
        guard cepoll_add(epoll, listener, CEPOLL_IN, Self.listenerToken) == 0,
            cepoll_add(epoll, wake, CEPOLL_IN, Self.wakeToken) == 0
        else {
            let code = cepoll_errno()
            Glibc.close(listener)
            Glibc.close(epoll)
            Glibc.close(wake)
            throw HTTPServerError.socket(operation: "epoll_ctl", errno: code)
        }
        listenDescriptor = listener
        epollDescriptor = epoll
        boundPort = Int(port)
        mailbox = LoopMailbox(wakeDescriptor: wake)
    }

    /// Runs until shutdown has drained every connection (or its grace period ran out).
    func run() {
        mailbox.markLoopThread()
        let capacity = 256
        let events = UnsafeMutablePointer<cepoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let timeout = Int32(Self.sweepInterval.components.attoseconds / 1_000_000_000_000_000)
            let count = cepoll_wait(epollDescriptor, events, Int32(capacity), timeout)
            now = .now
            if count < 0 && cepoll_errno() != EINTR {
                logger.critical("epoll_wait failed: errno \(cepoll_errno()); stopping the server")
                break
            }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                switch event.data {
                case Self.listenerToken: acceptConnections()
                case Self.wakeToken: cepoll_eventfd_drain(mailbox.wakeDescriptor)
                default:
                    if let connection = connections[event.data] { handle(event.events, on: connection) }
                }
            }
            drainMailbox()
            if now - lastSweep >= Self.sweepInterval {
                lastSweep = now
                sweep()
            }
            if isDraining {
                if connections.isEmpty { break }
                if let drainDeadline, now >= drainDeadline {
                    logger.info("shutdown grace period over: closing \(connections.count) connection(s)")
                    for connection in Array(connections.values) { close(connection) }
                    break
                }
            }
        }
        if listenDescriptor >= 0 { Glibc.close(listenDescriptor) }
        mailbox.close()
        Glibc.close(epollDescriptor)
    }

    /// Handles queued messages until none are left: handling one can dispatch requests whose
    /// handlers answer synchronously, and those posts from the loop thread do not wake epoll.
    private func drainMailbox() {
        while true {
            let messages = mailbox.takeAll()
            if messages.isEmpty { return }
            for message in messages { handle(message) }
            // HTTP/2 responses that arrived together leave in one write (see deliverHTTP2).
            let scheduled = http2FlushPending
            http2FlushPending.removeAll(keepingCapacity: true)
            for connection in scheduled {
                connection.isFlushScheduled = false
                service(connection)
            }
        }
    }

    private func handle(_ message: LoopMailbox.Message) {
        switch message {
        case .response(let id, let sequence, let response):
            if let connection = connections[id], connection.http2 != nil {
                // On HTTP/2 the sequence is the stream identifier.
                deliverHTTP2(response, streamID: Int32(truncatingIfNeeded: sequence), on: connection)
                return
            }
            guard let connection = connections[id],
                let index = connection.pending.firstIndex(where: {
                    $0.kind == .request && $0.sequence == sequence && $0.response == nil
                })
            else {
                // The connection closed meanwhile: nobody will read this response.
                if case .stream(let stream) = response.body { stream.close() }
                return
            }
            connection.pending[index].response = response
            service(connection)
        case .streamReadable(let id):
            if let connection = connections[id] { service(connection) }
        case .shutdown(let gracePeriod):
            beginShutdown(gracePeriod: gracePeriod)
        }
    }

    private func acceptConnections() {
        var address = [CChar](repeating: 0, count: 64)
        while true {
            let descriptor = cepoll_accept(listenDescriptor, &address, address.count)
            if descriptor < 0 {
                let code = cepoll_errno()
                if code == EINTR || code == ECONNABORTED { continue }
                if code != EAGAIN && code != EWOULDBLOCK {
                    // EMFILE/ENFILE: the pending connection stays queued and the level-triggered
                    // listener would spin; pause accepting for one sweep interval.
                    logger.warning("accept failed: \(String(cString: strerror(code))) (errno \(code))")
                    cepoll_modify(epollDescriptor, listenDescriptor, 0, Self.listenerToken)
                    acceptResumesAt = now + Self.sweepInterval
                }
                return
            }
            let remote = address.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            let isRejected = openConnections >= configuration.maxConnections
            if isRejected && rejectedConnections >= Self.maxRejectedConnections {
                Glibc.close(descriptor)
                continue
            }
            let id = nextConnectionID
            nextConnectionID += 1
            let events = CEPOLL_IN | CEPOLL_RDHUP
            guard cepoll_add(epollDescriptor, descriptor, events, id) == 0 else {
                logger.warning("epoll_ctl ADD failed for \(remote): errno \(cepoll_errno())")
                Glibc.close(descriptor)
                continue
            }
            let connection = Connection(
                id: id, descriptor: descriptor, remoteAddress: remote, isRejected: isRejected,
                configuration: configuration, now: now, registeredEvents: events)
            connections[id] = connection
            if isRejected {
                rejectedConnections += 1
                logger.warning("rejecting \(remote): \(configuration.maxConnections) connections open")
                enqueueError(
                    HTTPParseError(
                        status: .serviceUnavailable, code: "too_many_connections",
                        message: "server is at its connection limit; retry later"), on: connection)
                service(connection)
            } else {
                openConnections += 1
            }
        }
    }

    /// Checks every connection's deadlines (slowloris, idle keep-alive, stalled writes, linger).
    private func sweep() {
        if let resume = acceptResumesAt, now >= resume, listenDescriptor >= 0 {
            acceptResumesAt = nil
            cepoll_modify(epollDescriptor, listenDescriptor, CEPOLL_IN, Self.listenerToken)
        }
        for connection in Array(connections.values) where !connection.isClosed {
            if let deadline = connection.lingerDeadline {
                if now >= deadline { close(connection) }
                continue
            }
            if let since = connection.writeBlockedSince, now - since >= configuration.writeTimeout {
                logger.debug("closing \(connection.remoteAddress): client did not read for \(configuration.writeTimeout)")
                close(connection)
                continue
            }
            if !connection.isParsingStopped, let error = connection.parser.timeoutError(now: now) {
                logger.debug("\(connection.remoteAddress): \(error.message)")
                enqueueError(error, on: connection)
                service(connection)
                continue
            }
            if connection.isQuiet || connection.isReadClosed {
                // A connection that never sent a request gets only the header timeout to start one.
                let limit = connection.hasServedRequest
                    ? configuration.idleTimeout : min(configuration.idleTimeout, configuration.headerTimeout)
                if now - connection.lastActivity >= limit {
                    if let session = connection.http2, !connection.closesAfterFlush {
                        // RFC 9113 §9.1: tell the client before closing, so it does not reuse the connection.
                        session.goAway()
                        service(connection)
                    } else {
                        close(connection)
                    }
                }
            }
        }
    }

    private func beginShutdown(gracePeriod: Duration) {
        guard !isDraining else { return }
        isDraining = true
        drainDeadline = now + gracePeriod
        logger.info("shutting down: \(connections.count) connection(s) open, grace period \(gracePeriod)")
        if listenDescriptor >= 0 {
            cepoll_remove(epollDescriptor, listenDescriptor)
            Glibc.close(listenDescriptor)
            listenDescriptor = -1
        }
        for connection in Array(connections.values) {
            if connection.http2 != nil {
                service(connection)  // sends GOAWAY; closes once its streams are done
            } else if connection.isQuiet {
                close(connection)
            }
        }
    }
}
