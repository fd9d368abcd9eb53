import Foundation
import Testing
@testable import HTTPServer

/// A real server on an ephemeral port and real client sockets. Serialized: the machine is small
/// and several tests rely on timing.
@Suite(.serialized) struct HTTPServerLoopbackTests {
    static let get = "GET /ok HTTP/1.1\r\nHost: t\r\n\r\n"

    /// The server must still answer a good request on a fresh connection.
    func expectStillServing(_ server: TestServer) throws {
        let client = try server.client()
        client.send(Self.get)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "GET /ok ")
    }

    /// A server-generated error: JSON with the OpenAI-style shape, then the connection closes.
    func expectJSONError(_ response: TestClient.Response, status: Int) throws {
        #expect(response.status == status)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("Connection") == "close")
        let object = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["message"] is String)
        #expect(error["type"] is String)
        #expect(error["code"] is String)
    }

    @Test func keepAlive_servesSeveralRequestsOnOneConnection() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        for index in 0..<3 {
            client.send("POST /echo?i=\(index) HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "POST /echo?i=\(index) body")
            #expect(response.header("Content-Length") == "\(response.body.count)")
            #expect(response.header("Date") != nil)
            #expect(response.header("Server") == "rampart")
            #expect(response.header("Connection") == nil)
        }
    }

    @Test func pipelinedRequests_answeredOutOfOrder_goOutInOrder() throws {
        // The first request is answered last, from another thread.
        let handler = ClosureHandler { request, _, respond in
            let delays: [String: Double] = ["/1": 0.3, "/2": 0.0, "/3": 0.1]
            let delay = delays[request.path] ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                respond(HTTPResponse(status: .ok, body: Data(request.path.utf8)))
            }
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send((1...3).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined())
        let bodies = try (1...3).map { _ in try client.readResponse().text }
        #expect(bodies == ["/1", "/2", "/3"])
    }

    @Test func http10_closesUnlessKeepAliveIsAsked() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = try client.readResponse()
        #expect(first.header("Connection") == "keep-alive")
        client.send("GET /b HTTP/1.0\r\n\r\n")
        let second = try client.readResponse()
        #expect(second.text == "GET /b ")
        #expect(second.header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func connectionClose_isHonoured() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try client.readResponse().header("Connection") == "close")
        #expect(client.isClosedByServer())
    }

    @Test func handlerAskingToClose_endsTheConnectionAfterItsResponse() throws {
        let handler = ClosureHandler { request, _, respond in
            respond(HTTPResponse(status: .ok, headers: ["Connection": "close"], body: Data(request.path.utf8)))
        }
        let server = try TestServer(handler: handler)
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text == "/a")
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByServer())  // the pipelined /b is dropped with the connection
    }

    @Test func head_sendsHeadersWithoutBody() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse(isHead: true)
        #expect(response.status == 200)
        #expect(response.header("Content-Length") == "\("HEAD /h ".utf8.count)")
        // Had a body been sent, it would be read as the next status line.
        client.send(Self.get)
        #expect(try client.readResponse().text == "GET /ok ")
    }

    @Test func expectContinue_sends100BeforeTheBody() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        client.send("hello")
        let final = try client.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "POST /up hello")
    }

    @Test func expectContinue_overTheCap_is413WithoutWaitingForTheBody() throws {
        let server = try TestServer(HTTPServerConfiguration(maxBodyBytes: 100))
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n")
        try expectJSONError(try client.readResponse(), status: 413)
        try expectStillServing(server)
    }

    @Test func unknownExpectation_is417() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("POST /up HTTP/1.1\r\nHost: t\r\nExpect: something\r\nContent-Length: 1\r\n\r\nx")
        try expectJSONError(try client.readResponse(), status: 417)
        try expectStillServing(server)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 20000) + "\r\n\r\n", 431),
        ("GET /" + String(repeating: "u", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3000000\r\n\r\n" + String(repeating: "z", count: 10000), 413),
        ("POST / HTTP/1.1\r\nHost: t\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
    ])
    func hostileRequests_getTheRightStatus_andTheServerKeepsServing(request: String, status: Int) throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send(request)
        try expectJSONError(try client.readResponse(), status: status)
        #expect(client.isClosedByServer())
        try expectStillServing(server)
    }

    @Test func chunkedBodyOverTheCap_is413_whileTheClientKeepsSending() throws {
        let server = try TestServer(HTTPServerConfiguration(maxBodyBytes: 64 * 1024))
        defer { server.stop() }
        let client = try server.client()
        client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "4000\r\n" + String(repeating: "c", count: 0x4000) + "\r\n"
        for _ in 0..<8 { client.send(chunk) }
        try expectJSONError(try client.readResponse(), status: 413)
        try expectStillServing(server)
    }

    @Test func truncatedHeadersThenClose_is400() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("GET /x HTTP/1.1\r\nHost: t\r\nX-Partial: ab")
        client.shutdownWrite()
        try expectJSONError(try client.readResponse(), status: 400)
        try expectStillServing(server)
    }

    @Test func slowloris_isCutAtTheHeaderTimeout() throws {
        let server = try TestServer(HTTPServerConfiguration(headerTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try server.client()
        let start = Date()
        client.send("GET /slow HTTP/1.1\r\n")
        for index in 0..<3 {
            Thread.sleep(forTimeInterval: 0.05)
            client.send("X-\(index): 1\r\n")
        }
        try expectJSONError(try client.readResponse(), status: 408)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.29 && elapsed < 2, "408 after \(elapsed) s")
        try expectStillServing(server)
    }

    @Test func idleKeepAliveConnection_isClosedAtTheIdleTimeout() throws {
        let server = try TestServer(HTTPServerConfiguration(idleTimeout: .milliseconds(300)))
        defer { server.stop() }
        let client = try server.client()
        client.send(Self.get)
        _ = try client.readResponse()
        let start = Date()
        #expect(client.isClosedByServer())
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.25 && elapsed < 2, "closed after \(elapsed) s")
    }

    @Test func connectionsOverTheLimit_get503_andServiceResumes() throws {
        let server = try TestServer(HTTPServerConfiguration(maxConnections: 2))
        defer { server.stop() }
        let first = try server.client()
        first.send(Self.get)
        _ = try first.readResponse()
        let second = try server.client()
        second.send(Self.get)
        _ = try second.readResponse()

        let third = try server.client()
        third.send(Self.get)
        try expectJSONError(try third.readResponse(), status: 503)
        #expect(third.isClosedByServer())

        // Closing one frees a slot.
        first.shutdownWrite()
        #expect(first.isClosedByServer())
        Thread.sleep(forTimeInterval: 0.1)
        try expectStillServing(server)
    }
}
