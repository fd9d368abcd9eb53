// libFuzzer target: the HTTP/1.1 request parser (RFC 9112), fed the way a connection feeds it.
//
// Input: raw bytes from a client (pipelined requests, chunked bodies, garbage). The harness parses them in one
// piece and again in pieces whose sizes come from the input, and checks that both give the same requests and the
// same failure status (the parser's contract: the split of the input into reads does not matter). Every request
// also goes through what the connection does next: h2c upgrade detection, query parsing, Content-Encoding.
import Foundation
@testable import HTTPServer

/// Small limits so that the limit paths (414, 431, 413, chunk-line length) are reachable with short inputs.
private let configuration = HTTPServerConfiguration(
    maxRequestLineBytes: 256, maxHeaderBytes: 512, maxHeaderCount: 16, maxBodyBytes: 2048)

/// What a parse produced, compared across splits (`expectContinue` depends on where a read ends: dropped).
private enum Outcome: Equatable {
    case request(HTTPRequestHead, Data)
    case failure(HTTPStatus)
}

private func parse(_ bytes: [UInt8], pieceSizes: [Int]) -> [Outcome] {
    var parser = HTTPRequestParser(configuration: configuration)
    let now = ContinuousClock.now
    var buffer: [UInt8] = []
    var outcomes: [Outcome] = []
    var offset = 0, piece = 0
    while offset < bytes.count {
        let size = pieceSizes.isEmpty ? bytes.count : max(1, pieceSizes[piece % pieceSizes.count])
        piece += 1
        buffer.append(contentsOf: bytes[offset..<min(bytes.count, offset + size)])
        offset += size
        while true {
            let (consumed, event) = buffer.withUnsafeBufferPointer { parser.parse($0, now: now) }
            precondition(consumed >= 0 && consumed <= buffer.count, "consumed \(consumed) of \(buffer.count) bytes")
            buffer.removeFirst(consumed)
            switch event {
            case .needMoreData:
                break
            case .expectContinue:
                continue
            case .request(let head, let body):
                precondition(body.count <= configuration.maxBodyBytes, "body of \(body.count) bytes past the cap")
                outcomes.append(.request(head, body))
                exerciseRequest(head, body)
                continue
            case .failure(let error):
                outcomes.append(.failure(error.status))
                return outcomes
            }
            break
        }
    }
    _ = parser.timeoutError(now: now + .seconds(3600))
    return outcomes
}

/// What the connection does with a parsed request before the handler sees it.
private func exerciseRequest(_ head: HTTPRequestHead, _ body: Data) {
    _ = HTTP2Preface.upgradeSettings(head)
    var headers = head.headers
    var decoded = body
    _ = ContentCoding.decodeRequestBody(headers: &headers, body: &decoded, limit: configuration.maxBodyBytes)
    precondition(decoded.count <= max(body.count, configuration.maxBodyBytes), "decoded body past the cap")
    let request = HTTPRequest(method: head.method, path: head.path, query: head.query, headers: headers, body: decoded)
    _ = request.queryItems
    _ = ContentCoding.acceptsGzip(headers)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = bytes.withUnsafeBufferPointer { HTTP2Preface.match($0) }
    let whole = parse(bytes, pieceSizes: [])
    // Piece sizes from the first few bytes (1...16), so the fuzzer controls where reads end.
    let sizes = bytes.prefix(4).map { Int($0 % 16) + 1 }
    let split = parse(bytes, pieceSizes: sizes)
    let byteByByte = parse(bytes, pieceSizes: [1])
    precondition(whole == split, "split parse differs: \(whole) vs \(split) with pieces \(sizes)")
    precondition(whole == byteByByte, "byte-by-byte parse differs: \(whole) vs \(byteByByte)")
    return 0
}
