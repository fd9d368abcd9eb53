import Foundation
import Testing
@testable import HTTPServer

@Suite struct ContentCodingTests {
    @Test(arguments: [
        ("gzip", true), ("gzip;q=0", false), ("gzip; q=0.000", false), ("GZIP;Q=0.5", true),
        ("br, gzip;q=0.1", true), ("deflate, br", false), ("*", true), ("*;q=0", false),
        ("gzip;q=0, *;q=1", false), ("identity", false), ("x-gzip", true), ("gzip;q=abc", false),
        ("gzip;q=2", false), ("", false),
    ])
    func acceptsGzip_readsQValues(header: String, expected: Bool) {
        #expect(ContentCoding.acceptsGzip(["Accept-Encoding": header]) == expected)
    }

    @Test func acceptsGzip_isFalseWithoutTheHeader() {
        #expect(!ContentCoding.acceptsGzip(HTTPHeaders()))
    }

    static let json = Data(("[" + String(repeating: #"{"score":0.5},"#, count: 200) + "1]").utf8)

    @Test func encodeResponse_gzipsLargeJSONAndAddsVary() throws {
        let response = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Self.json)
        let encoded = ContentCoding.encodeResponse(response, acceptsGzip: true)
        #expect(encoded.headers["Content-Encoding"] == "gzip")
        #expect(encoded.headers["Vary"] == "Accept-Encoding")
        guard case .bytes(let body) = encoded.body else {
            Issue.record("body became a stream")
            return
        }
        #expect(try GzipCodec.decompress(body, limit: 1 << 20) == Self.json)

        let refused = ContentCoding.encodeResponse(response, acceptsGzip: false)
        #expect(refused.headers["Content-Encoding"] == nil)
        #expect(refused.headers["Vary"] == "Accept-Encoding")
    }

    @Test func encodeResponse_leavesSmallBinaryStreamingAndEncodedBodiesAlone() {
        let small = HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Data("{}".utf8))
        let binary = HTTPResponse(status: .ok, headers: ["Content-Type": "image/png"], body: Self.json)
        let already = HTTPResponse(
            status: .ok, headers: ["Content-Type": "text/plain", "Content-Encoding": "br"], body: Self.json)
        let stream = HTTPResponse(status: .ok, headers: ["Content-Type": "text/event-stream"], stream: HTTPBodyStream())
        for response in [small, binary, already, stream] {
            let encoded = ContentCoding.encodeResponse(response, acceptsGzip: true)
            #expect(encoded.headers["Content-Encoding"] == response.headers["Content-Encoding"])
        }
    }

    @Test func decodeRequestBody_inflatesGzipAndDropsTheHeader() {
        var headers: HTTPHeaders = ["Content-Encoding": "gzip", "Content-Length": "10"]
        var body = GzipCodec.compress(Self.json)
        #expect(ContentCoding.decodeRequestBody(headers: &headers, body: &body, limit: 1 << 20) == nil)
        #expect(body == Self.json)
        #expect(headers["Content-Encoding"] == nil)
        #expect(headers["Content-Length"] == String(Self.json.count))
    }

    @Test func decodeRequestBody_mapsFailuresToStatuses() {
        func status(_ coding: String, _ body: Data, limit: Int = 1 << 20) -> Int? {
            var headers: HTTPHeaders = ["Content-Encoding": coding]
            var body = body
            return ContentCoding.decodeRequestBody(headers: &headers, body: &body, limit: limit)?.status.code
        }
        #expect(status("identity", Data("x".utf8)) == nil)
        #expect(status("x-gzip", GzipCodec.compress(Data("x".utf8))) == nil)
        #expect(status("gzip", GzipCodec.compress(Data(count: 4 << 20)), limit: 1 << 20) == 413)
        #expect(status("gzip", Data("garbage".utf8)) == 400)
        for unknown in ["br", "deflate", "zstd", "gzip, gzip"] { #expect(status(unknown, Data("x".utf8)) == 415) }
    }
}
