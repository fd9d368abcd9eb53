import Foundation
import Synchronization
import Testing
@testable import HTTPServer

/// Echoes like `echoHandler` and, as response middleware, stamps every response with who made it
/// and records what it saw.
final class RecordingHandler: HTTPHandler {
    struct Seen: Sendable, Equatable { var status: Int; var origin: HTTPExchange.Origin; var path: String? }
    let seen = Mutex<[Seen]>([])

    func handle(_ request: HTTPRequest, context: HTTPRequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        echoHandler.handle(request, context: context, respond: respond)
    }

    func willSend(_ response: inout HTTPResponse, for exchange: HTTPExchange) {
        response.headers.add(name: "X-Middleware", value: exchange.origin == .server ? "server" : "handler")
        let entry = Seen(status: response.status.code, origin: exchange.origin, path: exchange.request?.path)
        seen.withLock { $0.append(entry) }
    }
}

/// Regression (issue 14): the server's own responses (400, 408, 413, 415, 431 …) skipped the
/// handler's decoration (CORS, metrics, access log). Every response now passes `willSend` once.
@Suite(.serialized) struct HTTPServerMiddlewareTests {
    @Test func middleware_seesHandlerResponsesOnce() throws {
        let handler = RecordingHandler()
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Middleware") == "handler")
        #expect(handler.seen.withLock { $0 } == [.init(status: 200, origin: .handler, path: "/ok")])
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 20000) + "\r\n\r\n", 431, String?.none),
        ("GARBAGE\r\n\r\n", 400, nil),
        ("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 3000000\r\n\r\n", 413, nil),
        ("POST /up HTTP/1.1\r\nHost: t\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx", 415, "/up"),
    ])
    func middleware_seesServerMadeResponses(request: String, status: Int, path: String?) throws {
        let handler = RecordingHandler()
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status)
        #expect(response.header("X-Middleware") == "server")
        #expect(handler.seen.withLock { $0 } == [.init(status: status, origin: .server, path: path)])
    }

    @Test func middleware_seesTheHeaderTimeout() throws {
        let handler = RecordingHandler()
        let server = try TestServer(HTTPServerConfiguration(headerTimeout: .milliseconds(200)), handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /slow HTTP/1.1\r\n")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(response.header("X-Middleware") == "server")
    }

    @Test func middleware_seesHTTP2ServerResponses() throws {
        guard let nghttp = HTTP2LoopbackTests.tool("nghttp") else { return }
        let handler = RecordingHandler()
        let server = try TestServer(HTTPServerConfiguration(maxBodyBytes: 8), handler: handler)
        defer { server.stop() }
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("h2-mw-\(server.port).txt")
        try Data(String(repeating: "x", count: 64).utf8).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let (_, output) = try HTTP2LoopbackTests.run(nghttp, ["-v", "-d", body.path, "http://127.0.0.1:\(server.port)/big"])
        #expect(output.contains(":status: 413"))
        #expect(output.contains("x-middleware: server"))
        #expect(handler.seen.withLock { $0 } == [.init(status: 413, origin: .server, path: "/big")])
    }
}
