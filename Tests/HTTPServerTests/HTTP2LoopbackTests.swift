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
