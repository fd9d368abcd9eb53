import CNghttp2
import Foundation

/// nghttp2's callbacks, called on the event loop thread inside `mem_recv` / `mem_send`; the
/// session reaches them through `user_data` (an unretained pointer to itself).
extension HTTP2Session {
    fileprivate func beginHeaders(_ frame: nghttp2_frame) -> Int32 {
        guard frame.hd.type == UInt8(NGHTTP2_HEADERS.rawValue), frame.headers.cat == NGHTTP2_HCAT_REQUEST else {
            return 0
        }
        streams[frame.hd.stream_id] = HTTP2Stream(id: frame.hd.stream_id)
        return 0
    }

    fileprivate func header(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.isHeadComplete, stream.error == nil else { return }
        // RFC 9113 §6.5.2: the size of a field is its name + value + 32 octets.
        stream.headerListSize += name.count + value.count + 32
        if stream.headerListSize > limits.maxHeaderListSize || stream.headers.count >= limits.maxHeaderCount {
            stream.error = .headersTooLarge("request header fields exceed \(limits.maxHeaderListSize) bytes or \(limits.maxHeaderCount) fields")
            return
        }
        let nameText = String(decoding: name, as: UTF8.self)
        let valueText = String(decoding: value, as: UTF8.self)
        switch nameText {
        case ":method": stream.method = valueText
        case ":path": stream.path = valueText
        case ":authority": stream.authority = valueText
        case ":scheme", ":protocol": break
        default: stream.headers.add(name: nameText, value: valueText)
        }
    }

    fileprivate func dataChunk(streamID: Int32, count: Int, bytes: UnsafePointer<UInt8>) {
        guard let stream = streams[streamID], !stream.isDispatched, stream.error == nil else { return }
        guard stream.body.count + count <= limits.maxBodyBytes else {
            // Answer now (the rest of the body is dropped; nghttp2 resets the stream after our
            // END_STREAM) instead of buffering past the cap.
            stream.error = .bodyTooLarge(limit: limits.maxBodyBytes)
            markReady(stream)
            return
        }
        guard bufferedBodyBytes + count <= limits.maxBufferedBodyBytes else {
            stream.error = HTTPParseError(
                status: .serviceUnavailable, code: "connection_body_budget_exceeded",
                message: "too much request content in flight on this HTTP/2 connection; retry later")
            markReady(stream)
            return
        }
        bufferedBodyBytes += count
        stream.body.append(bytes, count: count)
    }

    fileprivate func frameReceived(_ frame: nghttp2_frame) {
        let type = frame.hd.type, streamID = frame.hd.stream_id
        if type == UInt8(NGHTTP2_RST_STREAM.rawValue) {
            noteReset()
            return
        }
        guard type == UInt8(NGHTTP2_HEADERS.rawValue) || type == UInt8(NGHTTP2_DATA.rawValue),
            let stream = streams[streamID]
        else { return }
        if type == UInt8(NGHTTP2_HEADERS.rawValue) && !stream.isHeadComplete {
            stream.isHeadComplete = true
            // A declared length past the cap is refused before any DATA arrives.
            if stream.error == nil, let length = stream.headers["content-length"].flatMap(Int.init),
                length > limits.maxBodyBytes
            {
                stream.error = .bodyTooLarge(limit: limits.maxBodyBytes)
            }
            if stream.error != nil {
                markReady(stream)
                return
            }
        }
        if frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 { markReady(stream) }
    }

    fileprivate func markReady(_ stream: HTTP2Stream) {
        guard !stream.isDispatched else { return }
        stream.isDispatched = true
        // The body now belongs to the request (or is dropped with an error).
        bufferedBodyBytes -= stream.body.count
        if stream.error != nil { stream.body = Data() }
        guard !isTerminated else { return }
        ready.append(stream)
    }

    fileprivate func noteReset() {
        let now = ContinuousClock.now
        resetTimes.append(now)
        while let first = resetTimes.first, now - first > limits.resetWindow { resetTimes.removeFirst() }
        if resetTimes.count > limits.maxResetsPerWindow && !isTerminated {
            terminate(code: NGHTTP2_ENHANCE_YOUR_CALM)
        }
    }

    fileprivate func streamClosed(_ streamID: Int32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        if !stream.isDispatched { bufferedBodyBytes -= stream.body.count }
        stream.context?.markDisconnected()
        stream.bodyStream?.close()
    }

    static func install(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame, let userData else { return 0 }
            return Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue().beginHeaders(frame.pointee)
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, let userData, let name, let value else { return 0 }
            Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue().header(
                streamID: frame.pointee.hd.stream_id, name: UnsafeBufferPointer(start: name, count: nameLength),
                value: UnsafeBufferPointer(start: value, count: valueLength))
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
            _, _, streamID, data, length, userData in
            guard let data, let userData else { return 0 }
            Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue().dataChunk(
                streamID: streamID, count: length, bytes: data)
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame, let userData else { return 0 }
            Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue().frameReceived(frame.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            guard let userData else { return 0 }
            Unmanaged<HTTP2Session>.fromOpaque(userData).takeUnretainedValue().streamClosed(streamID)
            return 0
        }
    }
}
