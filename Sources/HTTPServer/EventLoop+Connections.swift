import CEpoll
import Foundation
import Glibc

/// Per-connection I/O of the event loop: read → parse → handler → ordered responses → write.
extension EventLoop {
    func handle(_ events: UInt32, on connection: Connection) {
        if events & CEPOLL_ERR != 0 {
            close(connection)
            return
        }
        if events & (CEPOLL_IN | CEPOLL_HUP) != 0
            || (events & CEPOLL_RDHUP != 0 && connection.registeredEvents & CEPOLL_IN != 0)
        {
            readAvailable(connection)
        } else if events & CEPOLL_RDHUP != 0 {
            // Not reading (parsing paused or stopped) but the peer has gone: tell the handlers.
            peerClosed(connection)
        }
        guard !connection.isClosed else { return }
        if events & CEPOLL_OUT != 0 { writeOutput(connection) }
        guard !connection.isClosed else { return }
        if events & CEPOLL_HUP != 0 {
            // Both directions are gone; nothing more can be delivered.
            close(connection)
            return
        }
        service(connection)
    }

    private func readAvailable(_ connection: Connection) {
        if connection.lingerDeadline != nil {
            discardInput(connection)
            return
        }
        while connection.input.readableCount < inputLimit {
            let region = connection.input.reserveWritable(16 * 1024)
            let count = cepoll_recv(connection.descriptor, region.baseAddress, region.count)
            if count > 0 {
                connection.input.didWrite(count)
                connection.lastActivity = now
                if count < region.count { break }
                continue
            }
            if count == 0 {
                peerClosed(connection)
                break
            }
            let code = cepoll_errno()
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { break }
            close(connection)  // ECONNRESET and friends
            return
        }
    }

    /// After our FIN: read and drop whatever the client still sends until it closes.
    private func discardInput(_ connection: Connection) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = scratch.withUnsafeMutableBytes { cepoll_recv(connection.descriptor, $0.baseAddress, $0.count) }
            if count > 0 { continue }
            if count < 0 && cepoll_errno() == EINTR { continue }
            if count < 0 && (cepoll_errno() == EAGAIN || cepoll_errno() == EWOULDBLOCK) { return }
            close(connection)
            return
        }
    }

    private func peerClosed(_ connection: Connection) {
        guard !connection.isReadClosed else { return }
        connection.isReadClosed = true
        connection.markContextsDisconnected()
    }

    /// Parses what can be parsed, writes what can be written, and updates the epoll interest.
    func service(_ connection: Connection) {
        guard !connection.isClosed else { return }
        if connection.http2 != nil {
            serviceHTTP2(connection)
            return
        }
        while true {
            parseInput(connection)
            if connection.http2 != nil {
                // The preface or an h2c upgrade switched protocols.
                serviceHTTP2(connection)
                return
            }
            let owed = connection.pending.count
            flushResponses(connection)
            // Flushing freed pipeline slots: requests already buffered (nothing more will arrive
            // from the kernel to trigger a read) must be parsed now.
            guard connection.pending.count < owed, !connection.input.isEmpty else { break }
        }
        guard !connection.isClosed else { return }
        writeOutput(connection)
        guard !connection.isClosed else { return }
        if isDraining && connection.isQuiet {
            close(connection)
            return
        }
        if connection.isReadClosed && connection.isQuiet {
            // The client finished and everything owed was written.
            close(connection)
            return
        }
        updateInterest(connection)
    }

    private func parseInput(_ connection: Connection) {
        if !connection.hasServedRequest && configuration.isHTTP2Enabled && !connection.isRejected
            && connection.parser.isIdle && !connection.input.isEmpty
        {
            // A cheap prefix compare on a connection's first bytes only (RFC 9113 §3.4).
            switch HTTP2Preface.match(connection.input.readableBytes) {
            case .partial: return
            case .complete:
                startHTTP2(connection, upgrading: nil)
                return
            case .mismatch: break
            }
        }
        while !connection.isParsingStopped && connection.pending.count < configuration.maxPipelinedRequests {
            let (consumed, event) = connection.parser.parse(connection.input.readableBytes, now: now)
            connection.input.consume(consumed)
            switch event {
            case .needMoreData:
                if connection.isReadClosed && !connection.parser.isIdle {
                    enqueueError(.badRequest("connection closed before the request was complete"), on: connection)
                }
                return
            case .expectContinue:
                connection.pending.append(
                    Connection.PendingResponse(
                        kind: .interimContinue, sequence: 0, isHeadRequest: false, version: .http1_1,
                        isKeepAlive: true, context: nil, response: nil))
            case .request(let head, let body):
                if configuration.isHTTP2Enabled && connection.pending.isEmpty && !isDraining
                    && !connection.isRejected, let settings = HTTP2Preface.upgradeSettings(head)
                {
                    startHTTP2(connection, upgrading: (head, body, settings))
                    return
                }
                dispatch(head, body: body, on: connection)
            case .failure(let error):
                logger.debug("\(connection.remoteAddress): \(error.status.code) \(error.message)")
                enqueueError(error, on: connection)
            }
        }
    }

    private func dispatch(_ head: HTTPRequestHead, body: Data, on connection: Connection) {
        let sequence = connection.nextSequence
        connection.nextSequence += 1
        connection.hasServedRequest = true
        let isKeepAlive = head.isKeepAlive && !isDraining
        if !isKeepAlive { connection.isParsingStopped = true }
        let context = HTTPRequestContext(receivedAt: now)
        if connection.isReadClosed { context.markDisconnected() }
        var headers = head.headers, body = body
        // A body coding error is answered on this request alone: the framing was sound.
        let codingError = ContentCoding.decodeRequestBody(
            headers: &headers, body: &body, limit: configuration.maxBodyBytes)
        let codingResponse = codingError.map { error in
            serverResponse(error.codingResponse, on: connection, receivedAt: context.receivedAt, request: HTTPRequest(
                method: head.method, path: head.path, query: head.query, headers: head.headers,
                version: head.version, remoteAddress: connection.remoteAddress))
        }
        connection.pending.append(
            Connection.PendingResponse(
                kind: .request, sequence: sequence, isHeadRequest: head.method == .head, version: head.version,
                isKeepAlive: isKeepAlive, context: context, response: codingResponse))
        guard codingError == nil else { return }
        let request = HTTPRequest(
            method: head.method, path: head.path, query: head.query, headers: headers, body: body,
            version: head.version, remoteAddress: connection.remoteAddress)
        let mailbox = self.mailbox, id = connection.id
        handler.handle(request, context: context, respond: makeResponder(for: request, context: context) { response in
            mailbox.post(.response(connection: id, sequence: sequence, response))
        })
    }

    /// The `respond` closure handed to the handler: enforces "exactly once", runs the handler's
    /// response middleware (`willSend`) and applies gzip on the handler's thread (off the loop), then
    /// `deliver`s.
    func makeResponder(
        for request: HTTPRequest, context: HTTPRequestContext,
        deliver: @escaping @Sendable (HTTPResponse) -> Void
    ) -> @Sendable (HTTPResponse) -> Void {
        let acceptsGzip = ContentCoding.acceptsGzip(request.headers)
        let logger = self.logger, handler = self.handler
        return { response in
            guard context.claimResponse() else {
                logger.error("handler responded more than once to \(request.method) \(request.path); ignored")
                return
            }
            var response = response
            handler.willSend(&response, for: HTTPExchange(
                request: request, receivedAt: context.receivedAt, remoteAddress: request.remoteAddress, origin: .handler))
            deliver(ContentCoding.encodeResponse(response, acceptsGzip: acceptsGzip))
        }
    }

    /// A response the server makes itself, after the handler's middleware has seen it like any other
    /// (so it gets CORS headers, is counted and logged). `request` is what was read of the request.
    func serverResponse(
        _ response: HTTPResponse, on connection: Connection, receivedAt: ContinuousClock.Instant? = nil,
        request: HTTPRequest? = nil
    ) -> HTTPResponse {
        var response = response
        handler.willSend(&response, for: HTTPExchange(
            request: request, receivedAt: receivedAt ?? now, remoteAddress: connection.remoteAddress, origin: .server))
        return response
    }

    /// Queues a server-generated JSON error that ends the connection.
    func enqueueError(_ error: HTTPParseError, on connection: Connection) {
        connection.isParsingStopped = true
        connection.pending.append(
            Connection.PendingResponse(
                kind: .request, sequence: .max, isHeadRequest: false, version: .http1_1, isKeepAlive: false,
                context: nil, response: serverResponse(error.response, on: connection)))
    }

    /// Serializes every response that is ready and next in line.
    private func flushResponses(_ connection: Connection) {
        let output = connection.output
        while let front = connection.pending.first {
            if let stream = connection.activeStream {
                // Back-pressure: leave pieces in the stream while the client is behind; EPOLLOUT
                // brings us back here once the output drains.
                guard output.readableCount < Self.streamOutputHighWater else { return }
                let (pieces, isFinished) = stream.drain()
                for piece in pieces {
                    if connection.isActiveStreamChunked {
                        HTTPResponseSerializer.writeChunk(piece, into: output)
                    } else {
                        output.append(piece)
                    }
                }
                guard isFinished else { return }
                if connection.isActiveStreamChunked { output.append(HTTPResponseSerializer.lastChunk) }
                connection.activeStream = nil
                connection.pending.removeFirst()
                if connection.activeResponseCloses {
                    closeAfterFlush(connection)
                    return
                }
                continue
            }
            if front.kind == .interimContinue {
                output.append(HTTPResponseSerializer.continueResponse)
                connection.pending.removeFirst()
                continue
            }
            guard let response = front.response else { return }
            // While draining, the last owed response announces the close (RFC 9112 §9.6).
            let isLastWhileDraining =
                isDraining && connection.pending.count == 1 && connection.parser.isIdle && connection.input.isEmpty
            var closes =
                !front.isKeepAlive || isLastWhileDraining
                || response.headers.containsToken("close", inField: "Connection")
            let date = dateCache.current()
            switch response.body {
            case .bytes(let data):
                HTTPResponseSerializer.writeHead(
                    status: response.status, headers: response.headers, framing: .contentLength(data.count),
                    closes: closes, requestVersion: front.version, date: date,
                    serverName: configuration.serverName, into: output)
                // RFC 9110 §9.3.2: a HEAD response carries the GET headers but no content.
                if !front.isHeadRequest && !response.status.forbidsContent { output.append(data) }
                connection.pending.removeFirst()
            case .stream(let stream):
                let isChunked = front.version == .http1_1
                if !isChunked { closes = true }
                HTTPResponseSerializer.writeHead(
                    status: response.status, headers: response.headers, framing: isChunked ? .chunked : .untilClose,
                    closes: closes, requestVersion: front.version, date: date,
                    serverName: configuration.serverName, into: output)
                if front.isHeadRequest || response.status.forbidsContent {
                    stream.close()
                    connection.pending.removeFirst()
                } else {
                    connection.activeStream = stream
                    connection.isActiveStreamChunked = isChunked
                    connection.activeResponseCloses = closes
                    let mailbox = self.mailbox, id = connection.id
                    stream.attach { mailbox.post(.streamReadable(connection: id)) }
                    continue
                }
            }
            if closes {
                closeAfterFlush(connection)
                return
            }
        }
    }

    private func closeAfterFlush(_ connection: Connection) {
        connection.closesAfterFlush = true
        connection.isParsingStopped = true
        connection.discardPending()
    }

    func writeOutput(_ connection: Connection) {
        let output = connection.output
        var madeProgress = false
        while !output.isEmpty {
            let bytes = output.readableBytes
            let count = cepoll_send(connection.descriptor, bytes.baseAddress, bytes.count)
            if count > 0 {
                output.consume(count)
                madeProgress = true
                continue
            }
            let code = cepoll_errno()
            if count < 0 && code == EINTR { continue }
            if count < 0 && (code == EAGAIN || code == EWOULDBLOCK) { break }
            // EPIPE / ECONNRESET: the client is gone; whatever it was owed is lost.
            close(connection)
            return
        }
        if output.isEmpty {
            connection.writeBlockedSince = nil
            connection.lastActivity = now
            output.shrinkIfEmpty()
            if connection.closesAfterFlush && connection.lingerDeadline == nil { startLinger(connection) }
        } else if madeProgress || connection.writeBlockedSince == nil {
            // The write timeout measures time without progress, not the length of a big transfer.
            connection.writeBlockedSince = now
        }
    }

    /// Sends our FIN and keeps draining input briefly: closing with unread input would send a
    /// reset that can destroy the response still in flight (RFC 9112 §9.6).
    private func startLinger(_ connection: Connection) {
        if connection.isReadClosed {
            close(connection)
            return
        }
        _ = cepoll_shutdown_write(connection.descriptor)
        connection.lingerDeadline = now + Self.lingerTime
    }

    func updateInterest(_ connection: Connection) {
        var events: UInt32 = 0
        if !connection.isReadClosed {
            let wantsInput =
                connection.lingerDeadline != nil
                // HTTP/2: read unless the client is not reading our output (back-pressure).
                || (connection.http2 != nil && connection.output.readableCount < Self.streamOutputHighWater)
                || (!connection.isParsingStopped && connection.pending.count < configuration.maxPipelinedRequests
                    && connection.input.readableCount < inputLimit)
            if wantsInput { events |= CEPOLL_IN }
            events |= CEPOLL_RDHUP
        }
        if !connection.output.isEmpty { events |= CEPOLL_OUT }
        guard events != connection.registeredEvents else { return }
        connection.registeredEvents = events
        cepoll_modify(epollDescriptor, connection.descriptor, events, connection.id)
    }

    func close(_ connection: Connection) {
        guard !connection.isClosed else { return }
        connection.isClosed = true
        connection.discardPending()
        Glibc.close(connection.descriptor)  // also removes it from the epoll set
        connections[connection.id] = nil
        if connection.isRejected {
            rejectedConnections -= 1
        } else {
            openConnections -= 1
        }
    }
}
