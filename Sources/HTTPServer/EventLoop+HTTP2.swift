import CNghttp2
import Foundation

/// HTTP/2 connections of the event loop: nghttp2 does the framing; each completed stream becomes
/// an `HTTPRequest` for the same handler as HTTP/1.1, and each `respond` becomes HEADERS + DATA
/// on its stream, in whatever order the handler answers.
extension EventLoop {
    /// Switches `connection` to HTTP/2: after a prior-knowledge preface (left in the input for
    /// nghttp2 to check) or an h2c upgrade request, answered 101 and then as stream 1.
    func startHTTP2(
        _ connection: Connection, upgrading upgrade: (head: HTTPRequestHead, body: Data, settings: [UInt8])?
    ) {
        let limits = HTTP2Session.Limits(
            maxConcurrentStreams: configuration.http2MaxConcurrentStreams,
            maxHeaderListSize: configuration.maxRequestLineBytes + configuration.maxHeaderBytes,
            maxHeaderCount: configuration.maxHeaderCount, maxBodyBytes: configuration.maxBodyBytes,
            maxBufferedBodyBytes: max(4 * configuration.maxBodyBytes, 8 << 20),
            maxResetsPerWindow: configuration.http2MaxResetsPerWindow, resetWindow: configuration.http2ResetWindow)
        let session: HTTP2Session
        do {
            session = try HTTP2Session(limits: limits)
        } catch {
            logger.error("\(connection.remoteAddress): \(error)")
            close(connection)
            return
        }
        connection.isParsingStopped = true
        connection.hasServedRequest = true
        connection.http2 = session
        guard let upgrade else { return }
        let stream: HTTP2Stream
        do {
            stream = try session.upgrade(
                settingsPayload: upgrade.settings, isHeadRequest: upgrade.head.method == .head)
        } catch {
            logger.debug("\(connection.remoteAddress): \(error)")
            close(connection)
            return
        }
        // RFC 7540 §3.2: 101, then the server's connection preface (our SETTINGS) and the response.
        connection.output.append(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n" as StaticString)
        var headers = upgrade.head.headers
        for name in ["Connection", "Upgrade", "HTTP2-Settings", "Keep-Alive"] { headers.remove(name) }
        stream.method = upgrade.head.method.rawValue
        stream.path = upgrade.head.path + (upgrade.head.query.map { "?" + $0 } ?? "")
        stream.headers = headers
        stream.body = upgrade.body
        dispatchHTTP2(stream, on: connection, session: session)
    }

    /// Reads into nghttp2, dispatches completed streams, relays streaming bodies and writes frames.
    func serviceHTTP2(_ connection: Connection) {
        guard let session = connection.http2, !connection.isClosed else { return }
        guard connection.lingerDeadline == nil, !connection.closesAfterFlush else {
            writeOutput(connection)
            if !connection.isClosed { updateInterest(connection) }
            return
        }
        var isHealthy = true
        if !connection.input.isEmpty {
            isHealthy = session.receive(connection.input.readableBytes)
            connection.input.consume(connection.input.readableCount)
        }
        if isHealthy {
            for stream in session.takeReadyStreams() { dispatchHTTP2(stream, on: connection, session: session) }
            relayBodyStreams(session)
            if isDraining { session.goAway() }
        }
        if connection.isReadClosed { session.disconnectAll() }
        if !session.send(into: connection.output, highWater: Self.streamOutputHighWater) { isHealthy = false }
        let isFinished =
            !isHealthy || !session.isAlive
            || (connection.isReadClosed && session.streams.isEmpty)
            || (session.isGoingAway && session.streams.isEmpty && !session.hasPendingFrames)
        if isFinished {
            // Flush GOAWAY and what else is queued, then close with a linger (see startLinger).
            connection.closesAfterFlush = true
            connection.discardPending()
        }
        writeOutput(connection)
        guard !connection.isClosed else { return }
        updateInterest(connection)
    }

    /// A handler's response for `streamID` arrived through the mailbox.
    func deliverHTTP2(_ response: HTTPResponse, streamID: Int32, on connection: Connection) {
        guard let session = connection.http2, let stream = session.streams[streamID], !connection.closesAfterFlush
        else {
            // The stream was reset or the connection is going: nobody will read this.
            if case .stream(let body) = response.body { body.close() }
            return
        }
        submit(response, to: stream, session: session, connection: connection)
        if !connection.isFlushScheduled {
            connection.isFlushScheduled = true
            http2FlushPending.append(connection)
        }
    }

    private func dispatchHTTP2(_ stream: HTTP2Stream, on connection: Connection, session: HTTP2Session) {
        let context = HTTPRequestContext(receivedAt: now)
        stream.context = context
        var headers = stream.headers
        if let authority = stream.authority, !headers.contains("Host") { headers.add(name: "Host", value: authority) }
        // What is known of the request, for the middleware's view of the server's own answers.
        let parts = (stream.path ?? "").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var request = HTTPRequest(
            method: HTTPMethod(stream.method ?? ""), path: parts.first.map(String.init) ?? "",
            query: parts.count > 1 ? String(parts[1]) : nil, headers: headers, version: .http2,
            remoteAddress: connection.remoteAddress)
        func answer(_ response: HTTPResponse) {
            let known = stream.method == nil || stream.path == nil ? nil : request
            submit(serverResponse(response, on: connection, receivedAt: context.receivedAt, request: known),
                   to: stream, session: session, connection: connection)
        }
        if let error = stream.error {
            answer(error.response)
            return
        }
        guard stream.method != nil, let target = stream.path, !target.isEmpty else {
            answer(HTTPParseError.badRequest("missing :method or :path").response)
            return
        }
        var body = stream.body
        if let error = ContentCoding.decodeRequestBody(headers: &headers, body: &body, limit: configuration.maxBodyBytes) {
            answer(error.codingResponse)
            return
        }
        request.headers = headers
        request.body = body
        let mailbox = self.mailbox, id = connection.id, sequence = UInt64(UInt32(bitPattern: stream.id))
        handler.handle(request, context: context, respond: makeResponder(for: request, context: context) { response in
            mailbox.post(.response(connection: id, sequence: sequence, response))
        })
    }

    /// Queues HEADERS (and DATA through the stream's data source) for `response` on `stream`.
    private func submit(_ response: HTTPResponse, to stream: HTTP2Stream, session: HTTP2Session, connection: Connection) {
        var fields: [HTTPHeaders.Field] = []
        fields.reserveCapacity(response.headers.count + 3)
        var hasDate = false, hasServer = false
        for field in response.headers {
            let name = field.name.lowercased()
            switch name {
            // RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2; the length is ours.
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length":
                continue
            case "date": hasDate = true
            case "server": hasServer = true
            default: break
            }
            guard !name.isEmpty, name.utf8.allSatisfy(ASCII.isTokenCharacter),
                !field.value.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 })
            else { continue }
            fields.append(HTTPHeaders.Field(name: name, value: field.value))
        }
        if !hasDate { fields.append(HTTPHeaders.Field(name: "date", value: dateCache.current())) }
        if !hasServer { fields.append(HTTPHeaders.Field(name: "server", value: configuration.serverName)) }
        let isHead = stream.method == "HEAD"
        let status = response.status
        do {
            switch response.body {
            case .bytes(let data):
                if !status.forbidsContent { fields.append(HTTPHeaders.Field(name: "content-length", value: String(data.count))) }
                let hasContent = !isHead && !status.forbidsContent && !data.isEmpty
                if hasContent {
                    stream.outgoing = [data]
                    stream.isOutgoingFinished = true
                }
                try session.submitResponse(to: stream, status: status, headers: fields, hasContent: hasContent)
            case .stream(let body):
                if isHead || status.forbidsContent {
                    body.close()
                    try session.submitResponse(to: stream, status: status, headers: fields, hasContent: false)
                    return
                }
                stream.bodyStream = body
                try session.submitResponse(to: stream, status: status, headers: fields, hasContent: true)
                let mailbox = self.mailbox, id = connection.id
                body.attach { mailbox.post(.streamReadable(connection: id)) }
            }
        } catch {
            // Nothing was queued: reset the stream so the client is not left waiting, and let a
            // streaming body's producer see the close.
            logger.warning("\(connection.remoteAddress): HTTP/2 response not sent: \(error)")
            if case .stream(let body) = response.body { body.close() }
            stream.outgoing = []
            session.reset(stream, code: NGHTTP2_INTERNAL_ERROR)
        }
    }

    /// Moves pieces from streaming bodies into their streams (as DATA frames), bounded by the
    /// connection's output high-water mark so that a slow reader holds the pieces in the stream.
    private func relayBodyStreams(_ session: HTTP2Session) {
        for stream in session.streams.values {
            guard let body = stream.bodyStream, stream.outgoingByteCount < Self.streamOutputHighWater else { continue }
            let (pieces, isFinished) = body.drain()
            stream.outgoing.append(contentsOf: pieces)
            if isFinished {
                stream.isOutgoingFinished = true
                stream.bodyStream = nil
            }
            if !pieces.isEmpty || isFinished { session.resume(stream) }
        }
    }
}
