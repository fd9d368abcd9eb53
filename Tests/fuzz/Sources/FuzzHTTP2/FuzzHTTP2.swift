// libFuzzer target: HTTP/2 session input — the bytes a client sends after the connection preface, fed to the
// nghttp2 session wrapper (HTTP2Session) as the event loop feeds it.
//
// Input: byte 0 picks the mode (bit 0: start by an h2c upgrade whose HTTP2-Settings payload is the next
// `byte 1 % 32` bytes, instead of prior knowledge) and the read size (bits 1-7); the rest is the client's frames.
// After each read the harness answers every completed stream as the event loop does (HEADERS + DATA, or
// RST_STREAM when nghttp2 refuses), drains the session's output, and checks the wrapper's own bounds.
import CNghttp2
import Foundation
@testable import HTTPServer

private let limits = HTTP2Session.Limits(
    maxConcurrentStreams: 8, maxHeaderListSize: 1024, maxHeaderCount: 16, maxBodyBytes: 1024,
    maxBufferedBodyBytes: 4096, maxResetsPerWindow: 20, resetWindow: .seconds(10))

private let responseBody = Data(repeating: UInt8(ascii: "x"), count: 300)

private func answer(_ stream: HTTP2Stream, session: HTTP2Session) {
    precondition(stream.body.count <= limits.maxBodyBytes, "stream body of \(stream.body.count) bytes past the cap")
    var headers = stream.headers
    var body = stream.body
    _ = ContentCoding.decodeRequestBody(headers: &headers, body: &body, limit: limits.maxBodyBytes)
    let status: HTTPStatus = stream.error?.status ?? .ok
    let hasContent = stream.id % 4 == 1  // both shapes: with DATA and HEADERS only
    if hasContent {
        stream.outgoing = [responseBody]
        stream.isOutgoingFinished = true
    }
    let fields = [HTTPHeaders.Field(name: "content-type", value: "application/json")]
    do {
        try session.submitResponse(to: stream, status: status, headers: fields, hasContent: hasContent)
    } catch {
        stream.outgoing = []
        session.reset(stream, code: NGHTTP2_INTERNAL_ERROR)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count >= 2 else { return 0 }
    var bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let mode = bytes[0], settingsLength = Int(bytes[1] % 32)
    bytes.removeFirst(2)
    guard let session = try? HTTP2Session(limits: limits) else { fatalError("nghttp2 could not allocate a session") }
    let output = ByteBuffer(capacity: 4096)
    if mode & 1 == 1 {
        let payload = Array(bytes.prefix(settingsLength))
        bytes.removeFirst(payload.count)
        if let stream = try? session.upgrade(settingsPayload: payload, isHeadRequest: false) {
            answer(stream, session: session)
        }
    }
    let input = HTTP2Preface.bytes + bytes
    let readSize = max(1, Int(mode >> 1) * 8)
    var offset = 0
    var isHealthy = true
    while offset < input.count, isHealthy {
        let end = min(input.count, offset + readSize)
        isHealthy = input[offset..<end].withUnsafeBufferPointer { session.receive($0) }
        offset = end
        if isHealthy {
            for stream in session.takeReadyStreams() { answer(stream, session: session) }
        }
        precondition((0...limits.maxBufferedBodyBytes).contains(session.bufferedBodyBytes),
                     "\(session.bufferedBodyBytes) body bytes buffered, bound \(limits.maxBufferedBodyBytes)")
        if !session.send(into: output, highWater: 64 * 1024) { isHealthy = false }
        output.consume(output.readableCount)
        if !session.isAlive { break }
    }
    session.goAway()
    session.disconnectAll()
    _ = session.send(into: output, highWater: 64 * 1024)
    return 0
}
