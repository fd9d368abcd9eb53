import Foundation
import Testing
@testable import HTTPServer

/// Large bodies both ways, partial writes, read pausing for pipelining, stalled clients.
@Suite(.serialized) struct HTTPServerFlowControlTests {
    @Test func largeBodies_roundTripThroughPartialWrites() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let payload = String(repeating: "0123456789abcdef", count: 100_000)  // 1.6 MB, under the 2 MiB cap
        client.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.utf8.count)\r\n\r\n" + payload)
        let response = try client.readResponse()
        #expect(response.body.count == "POST /big ".utf8.count + payload.utf8.count)
        #expect(response.text.hasSuffix("abcdef"))
    }

    @Test func chunkedRequestBody_overLoopback_isDecoded() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n")
        Thread.sleep(forTimeInterval: 0.05)
        client.send("2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n")
        #expect(try client.readResponse().text == "POST /c abcde")
    }

    @Test func pipelinedBeyondTheLimit_pausesReading_andAnswersEverything() throws {
        let handler = ClosureHandler { request, _, respond in
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.01) {
                respond(HTTPResponse(status: .ok, body: Data(request.path.utf8)))
            }
        }
        let server = try TestServer(HTTPServerConfiguration(maxPipelinedRequests: 2), handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send((0..<20).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
        let paths = try (0..<20).map { _ in try client.readResponse().text }
        #expect(paths == (0..<20).map { "/\($0)" })
    }

    @Test func pipelinedBeyondTheLimit_withASynchronousHandler_doesNotStall() throws {
        // Resuming a paused connection answers from inside the mailbox drain; those answers must not
        // wait for the next epoll timeout (100 × 50 ms would be 5 s).
        let server = try TestServer(HTTPServerConfiguration(maxPipelinedRequests: 1))
        defer { server.stop() }
        let client = try server.client()
        let start = Date()
        client.send((0..<100).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
        let bodies = try (0..<100).map { _ in try client.readResponse().text }
        #expect(bodies == (0..<100).map { "GET /\($0) " })
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 2, "100 pipelined requests took \(elapsed) s")
    }

    @Test func clientThatStopsReading_isDroppedAtTheWriteTimeout() throws {
        let size = 32 << 20  // well above loopback socket buffers (a few MiB)
        let body = Data(count: size)
        let handler = ClosureHandler { _, _, respond in respond(HTTPResponse(status: .ok, body: body)) }
        let server = try TestServer(HTTPServerConfiguration(writeTimeout: .milliseconds(300)), handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n")
        Thread.sleep(forTimeInterval: 1.0)
        let received = client.drainUntilClosed()
        #expect(received > 0)
        #expect(received < size, "the server should have given up before sending everything")
    }

    @Test func http10Stream_isDelimitedByClose() throws {
        let handler = ClosureHandler { _, _, respond in
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: .ok, stream: stream))
            try? stream.write(Data("one ".utf8))
            try? stream.write(Data("two".utf8))
            stream.finish()
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /s HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Transfer-Encoding") == nil)
        #expect(response.header("Connection") == "close")
        #expect(response.text == "one two")
    }

    @Test func streamToHead_sendsHeadersOnly() throws {
        let handler = ClosureHandler { _, _, respond in
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: .ok, stream: stream))
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) {
                #expect(throws: HTTPServerError.streamClosed) { try stream.write(Data("x".utf8)) }
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("HEAD /s HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse(isHead: true)
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        Thread.sleep(forTimeInterval: 0.1)
    }
}
