import Foundation
import Testing
@testable import HTTPServer

/// HTTP/2 against a real server on loopback, driven by nghttp2's own client tools (Debian
/// nghttp2-client) and raw sockets. Serialized: the machine is small.
@Suite(.serialized) struct HTTP2LoopbackTests {
    static func tool(_ name: String) -> String? {
        let path = "/usr/bin/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
        print("SKIP: \(path) is missing (apt-get install nghttp2-client); HTTP/2 tool test not run")
        return nil
    }

    /// Runs `tool arguments…` and returns (exit status, stdout).
    static func run(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    @Test func priorKnowledge_servesGetAndPostThroughTheSameHandler() throws {
        guard let nghttp = Self.tool("nghttp") else { return }
        let server = try TestServer()
        defer { server.stop() }
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("h2-body-\(server.port).txt")
        try Data("payload".utf8).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let (status, output) = try Self.run(
            nghttp, ["-n", "-v", "-d", body.path, "http://127.0.0.1:\(server.port)/echo?x=1"])
        #expect(status == 0)
        #expect(output.contains(":status: 200"))
        #expect(output.contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100"))
        // echoHandler's text is "METHOD path?query body".
        let (_, quiet) = try Self.run(nghttp, ["-d", body.path, "http://127.0.0.1:\(server.port)/echo?x=1"])
        #expect(quiet == "POST /echo?x=1 payload")
        // The HTTP/1.1 path still works on the same port.
        let client = try server.client()
        client.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "GET /plain ")
    }

    @Test func h2cUpgrade_answersTheUpgradeRequestOnStreamOne() throws {
        guard let nghttp = Self.tool("nghttp") else { return }
        let server = try TestServer()
        defer { server.stop() }
        let (status, output) = try Self.run(nghttp, ["-u", "-v", "http://127.0.0.1:\(server.port)/up"])
        #expect(status == 0)
        #expect(output.contains("HTTP/1.1 101 Switching Protocols"))
        #expect(output.contains("(stream_id=1) :status: 200"))
    }

    @Test func h2load_multiplexesOutOfOrderResponsesWithoutFailures() throws {
        guard let h2load = Self.tool("h2load") else { return }
        // Answers from another thread after a variable delay: responses complete out of order.
        let handler = ClosureHandler { request, _, respond in
            let delay = Double(request.path.utf8.count % 3) / 1000
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Data("ok".utf8)))
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let (status, output) = try Self.run(
            h2load, ["-n", "2000", "-c", "4", "-m", "10", base + "/a", base + "/bb", base + "/ccc"])
        #expect(status == 0)
        #expect(output.contains("2000 succeeded, 0 failed, 0 errored, 0 timeout"), "\(output)")
    }

    @Test func streamingBody_arrivesAsDataFramesAndIsNotCompressed() throws {
        guard let nghttp = Self.tool("nghttp") else { return }
        let handler = ClosureHandler { _, _, respond in
            let stream = HTTPBodyStream()
            respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/event-stream"], stream: stream))
            DispatchQueue.global().async {
                for index in 0..<3 {
                    Thread.sleep(forTimeInterval: 0.02)
                    try? stream.write(Data("data: \(index) \(String(repeating: "x", count: 2000))\n\n".utf8))
                }
                stream.finish()
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let (status, output) = try Self.run(
            nghttp, ["-v", "-H", "accept-encoding: gzip", "http://127.0.0.1:\(server.port)/events"])
        #expect(status == 0)
        #expect(output.contains(":status: 200"))
        #expect(!output.contains("content-encoding"))
        for index in 0..<3 { #expect(output.contains("data: \(index) xxx")) }
        #expect(output.contains("; END_STREAM"))
    }

    @Test func bodyOverTheCap_gets413OnThatStream() throws {
        guard let nghttp = Self.tool("nghttp") else { return }
        var configuration = HTTPServerConfiguration()
        configuration.maxBodyBytes = 1000
        let server = try TestServer(configuration)
        defer { server.stop() }
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("h2-big-\(server.port).txt")
        try Data(count: 100_000).write(to: body)
        defer { try? FileManager.default.removeItem(at: body) }
        let (_, output) = try Self.run(nghttp, ["-v", "-d", body.path, "http://127.0.0.1:\(server.port)/big"])
        #expect(output.contains(":status: 413"))
        #expect(output.contains("content_too_large"))
    }

    @Test func preface_splitAcrossReadsIsStillDetected() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(Array(HTTP2Preface.bytes.prefix(5)))
        Thread.sleep(forTimeInterval: 0.05)
        // Rest of the preface and an empty SETTINGS frame (RFC 9113 §3.4, §6.5).
        client.send(Array(HTTP2Preface.bytes.dropFirst(5)) + [0, 0, 0, 4, 0, 0, 0, 0, 0])
        // The server's first frame is its SETTINGS: type 0x4 on stream 0.
        let frameHeader = Array(try client.readExactly(9))
        #expect(frameHeader[3] == 4)
        #expect(frameHeader[5...8].allSatisfy { $0 == 0 })
    }

    /// A 9-byte frame header (RFC 9113 §4.1) and payload.
    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }

    @Test func streamReset_marksTheRequestDisconnected() throws {
        let seen = DispatchSemaphore(value: 0)
        let box = ContextBox()
        let handler = ClosureHandler { request, context, respond in
            guard request.version == .http2 else {
                respond(HTTPResponse(status: .ok, body: Data("h1".utf8)))
                return
            }
            box.store(context, respond)
            seen.signal()
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        // HPACK static-table entries (RFC 7541 Appendix A): :method GET, :path /, :scheme http,
        // then :authority "x" as a literal with incremental indexing.
        let block: [UInt8] = [0x82, 0x84, 0x86, 0x41, 0x01, UInt8(ascii: "x")]
        client.send(
            HTTP2Preface.bytes + Self.frame(type: 4, flags: 0, stream: 0)
                + Self.frame(type: 1, flags: 0x05, stream: 1, block))
        #expect(seen.wait(timeout: .now() + 5) == .success)
        let context = try #require(box.context)
        #expect(context.isClientConnected)
        client.send(Self.frame(type: 3, flags: 0, stream: 1, [0, 0, 0, 8]))  // RST_STREAM CANCEL
        let deadline = Date().addingTimeInterval(3)
        while context.isClientConnected && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(!context.isClientConnected)
        // A late answer for the reset stream is dropped; the server keeps serving.
        box.respond?(HTTPResponse(status: .ok, body: Data("late".utf8)))
        let fresh = try server.client()
        fresh.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try fresh.readResponse().status == 200)
    }

    @Test func idleConnection_getsGoAwayBeforeItCloses() throws {
        var configuration = HTTPServerConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        let server = try TestServer(configuration)
        defer { server.stop() }
        let client = try server.client()
        client.send(HTTP2Preface.bytes + Self.frame(type: 4, flags: 0, stream: 0))
        // Frames until the server closes: SETTINGS, SETTINGS ACK, then GOAWAY (type 7) NO_ERROR.
        var types: [UInt8] = []
        var lastPayload: [UInt8] = []
        while let header = try? Array(client.readExactly(9)) {
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            lastPayload = Array(try client.readExactly(length))
            types.append(header[3])
        }
        #expect(types.last == 7)
        #expect(lastPayload.count >= 8 && lastPayload[4..<8].allSatisfy { $0 == 0 })
    }

    @Test func prefaceMatch_classifiesPrefixes() {
        func match(_ text: String) -> HTTP2Preface.Match {
            Array(text.utf8).withUnsafeBufferPointer { HTTP2Preface.match($0) }
        }
        #expect(match("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nextra") == .complete)
        #expect(match("PRI * HT") == .partial)
        #expect(match("POST / HTTP/1.1") == .mismatch)
        #expect(match("GET / HTTP/1.1") == .mismatch)
    }
}

/// Holds the context and responder of the one request a test handler saw.
final class ContextBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storedContext: HTTPRequestContext?
    private var storedRespond: (@Sendable (HTTPResponse) -> Void)?

    func store(_ context: HTTPRequestContext, _ respond: @escaping @Sendable (HTTPResponse) -> Void) {
        lock.withLock {
            storedContext = context
            storedRespond = respond
        }
    }

    var context: HTTPRequestContext? { lock.withLock { storedContext } }
    var respond: (@Sendable (HTTPResponse) -> Void)? { lock.withLock { storedRespond } }
}
