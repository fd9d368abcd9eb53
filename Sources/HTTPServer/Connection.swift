import Foundation

/// One accepted TCP connection: its buffers, parser and the queue of responses owed, in request
/// order. Owned and touched only by the event loop thread.
final class Connection {
    /// A response slot, in the order responses must be written (RFC 9112 §9.3.2: pipelined
    /// responses go out in request order).
    struct PendingResponse {
        enum Kind { case interimContinue, request }
        var kind: Kind
        var sequence: UInt64
        var isHeadRequest: Bool
        var version: HTTPVersion
        var isKeepAlive: Bool
        var context: HTTPRequestContext?
        var response: HTTPResponse?
    }

    let id: UInt64
    let descriptor: Int32
    let remoteAddress: String
    /// Extra connection beyond maxConnections that only gets a 503.
    let isRejected: Bool
    var parser: HTTPRequestParser
    let input = ByteBuffer(capacity: 4096)
    let output = ByteBuffer(capacity: 4096)
    var pending: [PendingResponse] = []
    var nextSequence: UInt64 = 0

    /// The streaming body being written (the front of `pending`), if any.
    var activeStream: HTTPBodyStream?
    var isActiveStreamChunked = false
    var activeResponseCloses = false

    /// The peer sent FIN (read returned 0 or EPOLLRDHUP).
    var isReadClosed = false
    /// No further request will be parsed: a response that closes is queued or was written.
    var isParsingStopped = false
    /// Close once the output is flushed.
    var closesAfterFlush = false
    /// Set once our FIN is sent; the connection reads and discards until the peer closes or this passes.
    var lingerDeadline: ContinuousClock.Instant?
    var isClosed = false
    var hasServedRequest = false
    var lastActivity: ContinuousClock.Instant
    /// When output started waiting for the peer to read.
    var writeBlockedSince: ContinuousClock.Instant?
    var registeredEvents: UInt32
    /// Set once the connection speaks HTTP/2 (prior-knowledge preface or h2c upgrade); the
    /// HTTP/1.1 parser is then unused.
    var http2: HTTP2Session?
    /// Queued in `EventLoop.http2FlushPending`.
    var isFlushScheduled = false

    init(
        id: UInt64, descriptor: Int32, remoteAddress: String, isRejected: Bool,
        configuration: HTTPServerConfiguration, now: ContinuousClock.Instant, registeredEvents: UInt32
    ) {
        self.id = id
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        self.isRejected = isRejected
        parser = HTTPRequestParser(configuration: configuration)
        lastActivity = now
        self.registeredEvents = registeredEvents
    }

    /// Nothing in flight: no partial request, no owed response, nothing unwritten.
    var isQuiet: Bool {
        pending.isEmpty && output.isEmpty && parser.isIdle && activeStream == nil && input.isEmpty
            && (http2?.streams.isEmpty ?? true)
    }

    /// Tells every handler still working for this connection that the client is gone.
    func markContextsDisconnected() {
        for entry in pending { entry.context?.markDisconnected() }
        http2?.disconnectAll()
    }

    /// Drops every owed response (the connection will close): their streams are closed.
    func discardPending() {
        for entry in pending {
            entry.context?.markDisconnected()
            if case .stream(let stream)? = entry.response?.body { stream.close() }
        }
        pending.removeAll()
        activeStream?.close()
        activeStream = nil
        http2?.disconnectAll()
    }
}
