// A minimal server for load-testing the HTTPServer target with wrk: `GET /health` answers a tiny
// JSON body; anything else echoes its body. Built and run by Benchmarks/http/run.sh.
import Foundation
import HTTPServer
import Logging

struct HealthHandler: HTTPHandler {
    static let health = Data(#"{"status":"ok"}"#.utf8)

    func handle(_ request: HTTPRequest, context: HTTPRequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        if request.path == "/health" {
            respond(HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: Self.health))
        } else {
            respond(HTTPResponse(status: .ok, body: request.body))
        }
    }
}

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 8089 : 8089
var logger = Logger(label: "http-bench")
logger.logLevel = .warning
let server = HTTPServer(configuration: HTTPServerConfiguration(port: port), handler: HealthHandler(), logger: logger)
try server.start()
signal(SIGTERM, SIG_IGN)
let termination = DispatchSource.makeSignalSource(signal: SIGTERM)
termination.setEventHandler { server.shutdown(gracePeriod: .seconds(2)) }
termination.resume()
print("http-bench listening on 127.0.0.1:\(server.boundPort)")
server.run()
