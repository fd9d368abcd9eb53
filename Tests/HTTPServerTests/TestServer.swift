import Foundation
import HTTPServer
import Logging

/// A handler built from a closure.
struct ClosureHandler: HTTPHandler {
    let body: @Sendable (HTTPRequest, HTTPRequestContext, @escaping @Sendable (HTTPResponse) -> Void) -> Void

    func handle(_ request: HTTPRequest, context: HTTPRequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        body(request, context, respond)
    }
}

/// Answers `METHOD path?query body` as text, synchronously.
let echoHandler = ClosureHandler { request, _, respond in
    var text = "\(request.method) \(request.path)"
    if let query = request.query { text += "?\(query)" }
    text += " " + String(decoding: request.body, as: UTF8.self)
    respond(HTTPResponse(status: .ok, headers: ["Content-Type": "text/plain"], body: Data(text.utf8)))
}

/// A real server on an ephemeral loopback port, running on its own thread.
final class TestServer: Sendable {
    let server: HTTPServer
    private let finished = DispatchSemaphore(value: 0)

    init(_ configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: any HTTPHandler = echoHandler) throws {
        var configuration = configuration
        configuration.port = 0
        var logger = Logger(label: "test.http")
        logger.logLevel = .warning
        server = HTTPServer(configuration: configuration, handler: handler, logger: logger)
        try server.start()
        let server = self.server, finished = self.finished
        let thread = Thread {
            server.run()
            finished.signal()
        }
        thread.start()
    }

    var port: Int { server.boundPort }

    func client(receiveTimeout: Double = 5) throws -> TestClient { try TestClient(port: port, receiveTimeout: receiveTimeout) }

    /// Shuts down and waits for `run()` to return; false if it did not within `timeout`.
    @discardableResult
    func stop(gracePeriod: Duration = .seconds(1), timeout: Double = 10) -> Bool {
        server.shutdown(gracePeriod: gracePeriod)
        return finished.wait(timeout: .now() + timeout) == .success
    }

    func waitUntilStopped(timeout: Double) -> Bool { finished.wait(timeout: .now() + timeout) == .success }
}
