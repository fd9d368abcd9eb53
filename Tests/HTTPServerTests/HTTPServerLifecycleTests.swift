import Foundation
import Synchronization
import Testing
@testable import HTTPServer

/// Streaming bodies, client departure, graceful shutdown, start-up errors and curl interop.
@Suite(.serialized) struct HTTPServerLifecycleTests {
    @Test func streamingBody_isSentChunked_asThePiecesArrive() throws {
        let handler = ClosureHandler { _, _, respond in
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/event-stream"], stream: stream))
            DispatchQueue.global().async {
                for index in 0..<3 {
                    try? stream.write(Data("data: \(index)\n\n".utf8))
                    Thread.sleep(forTimeInterval: 0.02)
                }
                stream.finish()
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.text == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
        // The connection stays usable after the last chunk.
        client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text.hasPrefix("data: 0"))
    }

    @Test func streamWrites_failOnceTheClientHasGone() throws {
        let failed = DispatchSemaphore(value: 0)
        let handler = ClosureHandler { _, _, respond in
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: .ok, stream: stream))
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(5)
                while Date() < deadline {
                    do {
                        try stream.write(Data(repeating: 0x61, count: 1024))
                    } catch {
                        failed.signal()
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.005)
                }
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        do {
            let client = try server.client()
            client.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            Thread.sleep(forTimeInterval: 0.05)
        }  // the client socket closes here
        #expect(failed.wait(timeout: .now() + 3) == .success)
    }

    @Test func clientDeparture_isVisibleInTheContext() throws {
        let saved = Mutex<HTTPRequestContext?>(nil)
        let handler = ClosureHandler { _, context, _ in
            // Never responds: the client leaves first.
            saved.withLock { $0 = context }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        do {
            let client = try server.client()
            client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            Thread.sleep(forTimeInterval: 0.1)
            #expect(saved.withLock { $0?.isClientConnected } == true)
        }
        let deadline = Date().addingTimeInterval(2)
        while saved.withLock({ $0?.isClientConnected }) != false && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(saved.withLock { $0?.isClientConnected } == false)
    }

    @Test func respondingTwice_sendsOneResponse() throws {
        let handler = ClosureHandler { _, _, respond in
            respond(HTTPResponse(status: .ok, body: Data("first".utf8)))
            respond(HTTPResponse(status: .internalServerError, body: Data("second".utf8)))
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\nGET /2 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "first")
        #expect(try client.readResponse().text == "first")
    }

    @Test func gracefulShutdown_drainsTheInFlightRequest_andClosesIdleOnes() throws {
        let received = DispatchSemaphore(value: 0)
        let handler = ClosureHandler { request, _, respond in
            received.signal()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) {
                respond(HTTPResponse(status: .ok, body: Data("done \(request.path)".utf8)))
            }
        }
        let server = try TestServer(handler: handler)
        let idle = try server.client()
        let busy = try server.client()
        busy.send("GET /work HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(received.wait(timeout: .now() + 2) == .success)
        server.server.shutdown(gracePeriod: .seconds(5))
        #expect(idle.isClosedByServer())
        let response = try busy.readResponse()
        #expect(response.text == "done /work")
        #expect(response.header("Connection") == "close")
        #expect(server.waitUntilStopped(timeout: 3))
        #expect(throws: TestClient.Failure.self) { try server.client() }
    }

    @Test func shutdown_closesStragglersAfterTheGracePeriod() throws {
        let handler = ClosureHandler { _, _, _ in }  // never answers
        let server = try TestServer(handler: handler)
        let client = try server.client()
        client.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.05)
        let start = Date()
        server.server.shutdown(gracePeriod: .milliseconds(200))
        #expect(server.waitUntilStopped(timeout: 3))
        #expect(Date().timeIntervalSince(start) >= 0.19)
        #expect(client.isClosedByServer())
    }

    @Test func respondingAfterTheServerStopped_isHarmless() throws {
        let saved = Mutex<(@Sendable (HTTPResponse) -> Void)?>(nil)
        let handler = ClosureHandler { _, _, respond in saved.withLock { $0 = respond } }
        let server = try TestServer(handler: handler)
        let client = try server.client()
        client.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
        let deadline = Date().addingTimeInterval(2)
        while saved.withLock({ $0 == nil }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(server.stop(gracePeriod: .milliseconds(50)))
        let stream = HTTPBodyStream()
        let respond = try #require(saved.withLock { $0 })
        respond(HTTPResponse(status: .ok, stream: stream))
        #expect(throws: HTTPServerError.streamClosed) { try stream.write(Data("x".utf8)) }
    }

    @Test func start_onAPortInUse_throwsWithErrno() throws {
        let first = try TestServer()
        defer { first.stop() }
        let second = HTTPServer(
            configuration: HTTPServerConfiguration(port: first.port), handler: echoHandler, logger: .init(label: "t"))
        #expect(throws: HTTPServerError.socket(operation: "bind 127.0.0.1:\(first.port)", errno: EADDRINUSE)) {
            try second.start()
        }
        let bad = HTTPServer(
            configuration: HTTPServerConfiguration(host: "not a host", port: 0), handler: echoHandler, logger: .init(label: "t"))
        #expect {
            try bad.start()
        } throws: { error in
            if case .invalidAddress = error as? HTTPServerError { return true }
            return false
        }
    }

    @Test func invalidConfiguration_isRefusedAtStart() {
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(port: 70000), handler: echoHandler, logger: .init(label: "t"))
        #expect(throws: HTTPServerError.invalidConfiguration(field: "port", reason: "must be in 0...65535 (0 = ephemeral)")) {
            try server.start()
        }
        #expect(throws: HTTPServerError.self) { try HTTPServerConfiguration(idleTimeout: .zero).validate() }
        #expect(throws: Never.self) { try HTTPServerConfiguration().validate() }
    }

    @Test func silentConnection_isClosedAtTheHeaderTimeout() throws {
        let server = try TestServer(HTTPServerConfiguration(headerTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try server.client()
        let start = Date()
        #expect(client.isClosedByServer())
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.25 && elapsed < 2, "closed after \(elapsed) s")
    }

    @Test func curl_talksToTheServer() throws {
        let curl = "/usr/bin/curl"
        guard FileManager.default.isExecutableFile(atPath: curl) else {
            print("SKIP curl_talksToTheServer: \(curl) is not installed")
            return
        }
        let server = try TestServer()
        defer { server.stop() }
        func run(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: curl)
            process.arguments = ["-s", "--max-time", "5"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: output, as: UTF8.self)
        }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try run(["\(base)/get?a=1"]) == "GET /get?a=1 ")
        #expect(try run(["-d", "payload", "\(base)/post"]) == "POST /post payload")
        // curl sends Expect: 100-continue for large bodies, and chunks with -H Transfer-Encoding.
        let large = String(repeating: "x", count: 2000)
        #expect(try run(["-H", "Transfer-Encoding: chunked", "-d", large, "\(base)/chunked"]) == "POST /chunked \(large)")
        #expect(try run(["-H", "Expect: 100-continue", "-d", "abc", "\(base)/expect"]) == "POST /expect abc")
        // Two URLs on one curl command reuse the keep-alive connection.
        #expect(try run(["\(base)/one", "\(base)/two"]) == "GET /one GET /two ")
        let status = try run(["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "\(base)/nolength"])
        #expect(status == "411")
    }
}
