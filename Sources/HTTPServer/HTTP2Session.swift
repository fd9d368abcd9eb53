import CNghttp2
import Foundation

/// A server-side HTTP/2 session (RFC 9113) on libnghttp2: frames, HPACK, flow control and stream
/// states are nghttp2's; this type collects requests into `HTTP2Stream`s, feeds response content
/// to nghttp2's data source and bounds abuse nghttp2 leaves to the application. Memory-buffer I/O
/// (`nghttp2_session_mem_recv` / `mem_send`): the event loop owns the socket.
final class HTTP2Session {
    /// Per-connection bounds.
    struct Limits {
        var maxConcurrentStreams: Int
        var maxHeaderListSize: Int
        var maxHeaderCount: Int
        var maxBodyBytes: Int
        /// Request content buffered across all incomplete streams of the connection: without it,
        /// 100 streams × the body cap could be held at once. 503 on the stream that passes it.
        var maxBufferedBodyBytes: Int
        /// RST_STREAM frames a client may send within `resetWindow` before the connection is ended
        /// with GOAWAY ENHANCE_YOUR_CALM (CVE-2023-44487 "rapid reset").
        var maxResetsPerWindow: Int
        var resetWindow: Duration
    }

    let limits: Limits
    private var session: OpaquePointer?
    var streams: [Int32: HTTP2Stream] = [:]
    /// Streams whose request became complete (or failed) during the last `receive`.
    var ready: [HTTP2Stream] = []
    /// Arrival times of recent RST_STREAM frames, oldest first.
    var resetTimes: [ContinuousClock.Instant] = []
    /// The session was ended for abuse: new streams are ignored.
    var isTerminated = false
    var isGoingAway = false
    /// Bytes in the bodies of streams not yet dispatched.
    var bufferedBodyBytes = 0

    /// Creates the session and queues our SETTINGS. Throws when nghttp2 cannot allocate.
    init(limits: Limits) throws(HTTPServerError) {
        self.limits = limits
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw .http2("nghttp2_session_callbacks_new failed")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.install(callbacks)
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { throw .http2("nghttp2_option_new failed") }
        defer { nghttp2_option_del(option) }
        // nghttp2's own token bucket (Debian 1.52 backport) stays as a backstop behind our window count.
        nghttp2_option_set_stream_reset_rate_limit(option, 1000, 33)
        // SETTINGS / PING floods: at most this many unsent ACKs before nghttp2 drops the session.
        nghttp2_option_set_max_outbound_ack(option, 1000)
        nghttp2_option_set_max_settings(option, 32)
        // CONTINUATION floods (CVE-2024-28182).
        nghttp2_option_set_max_continuations(option, 8)
        nghttp2_option_set_no_closed_streams(option, 1)
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_server_new2(&session, callbacks, userData, option) == 0 else {
            throw .http2("nghttp2_session_server_new2 failed")
        }
        var settings = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                value: UInt32(limits.maxConcurrentStreams)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(limits.maxHeaderListSize)),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
    }

    deinit { nghttp2_session_del(session) }

    /// Takes over an HTTP/1.1 `Upgrade: h2c` request (RFC 7540 §3.2): applies the client's
    /// HTTP2-Settings payload and opens stream 1 half-closed, returning it for the upgrade request.
    func upgrade(settingsPayload: [UInt8], isHeadRequest: Bool) throws(HTTPServerError) -> HTTP2Stream {
        let status = settingsPayload.withUnsafeBufferPointer {
            nghttp2_session_upgrade2(session, $0.baseAddress, $0.count, isHeadRequest ? 1 : 0, nil)
        }
        guard status == 0 else { throw .http2("h2c upgrade: \(String(cString: nghttp2_strerror(status)))") }
        let stream = HTTP2Stream(id: 1)
        stream.isHeadComplete = true
        stream.isDispatched = true
        streams[1] = stream
        return stream
    }

    /// Feeds received bytes to nghttp2. False on a fatal protocol error (nghttp2 has queued GOAWAY
    /// where it could); the connection should flush and close.
    func receive(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > 0 else { return true }
        return nghttp2_session_mem_recv(session, bytes.baseAddress, bytes.count) >= 0
    }

    /// Streams whose request is complete (or must be answered with an error), in arrival order.
    func takeReadyStreams() -> [HTTP2Stream] {
        defer { ready.removeAll(keepingCapacity: true) }
        return ready
    }

    /// Serializes pending frames into `output` until it holds `highWater` bytes. False on a fatal error.
    func send(into output: ByteBuffer, highWater: Int) -> Bool {
        while output.readableCount < highWater {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 { return false }
            guard count > 0, let data else { return true }
            output.append(UnsafeRawBufferPointer(start: data, count: count))
        }
        return true
    }

    /// nghttp2 still has something to read or write; false once GOAWAY ended the session.
    var isAlive: Bool { nghttp2_session_want_read(session) != 0 || nghttp2_session_want_write(session) != 0 }
    var hasPendingFrames: Bool { nghttp2_session_want_write(session) != 0 }

    /// Graceful shutdown (RFC 9113 §6.8): GOAWAY naming the last stream we took; those still run.
    func goAway() {
        guard !isGoingAway else { return }
        isGoingAway = true
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
            NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    /// Ends the session with GOAWAY `code` (e.g. ENHANCE_YOUR_CALM) after pending frames.
    func terminate(code: nghttp2_error_code) {
        isTerminated = true
        nghttp2_session_terminate_session(session, code.rawValue)
    }

    /// Tells every handler still working on this connection that the client is gone.
    func disconnectAll() {
        for stream in streams.values {
            stream.context?.markDisconnected()
            stream.bodyStream?.close()
        }
    }

    /// Wakes a deferred data source after content was queued on `stream`.
    func resume(_ stream: HTTP2Stream) {
        guard stream.isDeferred else { return }
        stream.isDeferred = false
        nghttp2_session_resume_data(session, stream.id)
    }

    /// Answers `stream` with `status` and `headers` (names lowercased, RFC 9113 §8.2.2, and
    /// connection-specific fields dropped, §8.2.2) and the content queued on the stream — or no
    /// content at all when `hasContent` is false.
    ///
    /// Throws when nghttp2 refuses the response (`nghttp2_submit_response` < 0: an invalid stream,
    /// a response already queued, out of memory). Nothing was queued then: the caller must reset the
    /// stream, or the client would wait for an answer that never comes.
    func submitResponse(
        to stream: HTTP2Stream, status: HTTPStatus, headers: [HTTPHeaders.Field], hasContent: Bool
    ) throws(HTTPServerError) {
        // Every name and value in one buffer; nghttp2 copies them during submit (no NO_COPY flags).
        var storage: [UInt8] = []
        var lengths: [Int] = []  // name, value, name, value, …
        storage.reserveCapacity(64 * (headers.count + 1))
        lengths.reserveCapacity(2 * (headers.count + 1))
        func add(_ name: String, _ value: String) {
            storage.append(contentsOf: name.utf8)
            storage.append(contentsOf: value.utf8)
            lengths.append(name.utf8.count)
            lengths.append(value.utf8.count)
        }
        add(":status", String(status.code))
        for field in headers { add(field.name, field.value) }
        var provider = nghttp2_data_provider()
        provider.read_callback = { session, streamID, buffer, length, flags, _, userData in
            guard let userData, let buffer, let flags else { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
            let owner = Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue()
            guard let stream = owner.streams[streamID] else {
                return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
            }
            let written = stream.takeOutgoing(into: buffer, capacity: length)
            if stream.outgoing.isEmpty && stream.isOutgoingFinished {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            } else if written == 0 {
                stream.isDeferred = true
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
            return written
        }
        let result = storage.withUnsafeMutableBufferPointer { bytes -> Int32 in
            var list: [nghttp2_nv] = []
            list.reserveCapacity(lengths.count / 2)
            var offset = 0
            for index in stride(from: 0, to: lengths.count, by: 2) {
                let name = bytes.baseAddress! + offset
                offset += lengths[index] + lengths[index + 1]
                list.append(
                    nghttp2_nv(
                        name: name, value: name + lengths[index], namelen: lengths[index],
                        valuelen: lengths[index + 1], flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
            }
            return hasContent
                ? nghttp2_submit_response(session, stream.id, list, list.count, &provider)
                : nghttp2_submit_response(session, stream.id, list, list.count, nil)
        }
        guard result == 0 else {
            throw .http2("nghttp2_submit_response on stream \(stream.id): \(String(cString: nghttp2_strerror(result)))")
        }
    }

    /// Resets `stream` (RST_STREAM, RFC 9113 §6.4) with `code`, e.g. INTERNAL_ERROR when no response
    /// could be queued for it.
    func reset(_ stream: HTTP2Stream, code: nghttp2_error_code) {
        stream.bodyStream?.close()
        stream.bodyStream = nil
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, code.rawValue)
    }
}
