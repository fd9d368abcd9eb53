import Foundation
import HTTPServer
import Logging
import Prometheus
@testable import GuardService

/// Calls a `GuardService` directly (no sockets) and waits for its response.
struct ServiceHarness {
    let service: GuardService
    let registry = PrometheusCollectorRegistry()

    init(_ configuration: ServiceConfiguration = ServiceConfiguration()) {
        service = GuardService(configuration: configuration, registry: registry,
                               metricsFactory: PrometheusMetricsFactory(registry: registry),
                               logger: Logger(label: "test"))
    }

    func call(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String = "") -> HTTPResponse {
        let request = HTTPRequest(method: method, path: path, headers: HTTPHeaders(headers), body: Data(body.utf8))
        let box = ResponseBox()
        let context = HTTPRequestContext(receivedAt: .now)
        let service = self.service
        // As the server does: the handler's response passes the service's middleware (`willSend`).
        service.handle(request, context: context) { response in
            var response = response
            service.willSend(&response, for: HTTPExchange(request: request, receivedAt: context.receivedAt,
                                                          remoteAddress: "", origin: .handler))
            box.set(response)
        }
        return box.wait()
    }

    /// A response the server makes itself (a 431, 408 …), passed through the middleware as the server does.
    func serverResponse(_ status: HTTPStatus, request: HTTPRequest? = nil) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Data("{}".utf8))
        service.willSend(&response, for: HTTPExchange(request: request, receivedAt: .now, remoteAddress: "", origin: .server))
        return response
    }
}

final class ResponseBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var response: HTTPResponse?

    func set(_ response: HTTPResponse) {
        self.response = response
        semaphore.signal()
    }

    func wait() -> HTTPResponse {
        _ = semaphore.wait(timeout: .now() + 30)
        return response ?? HTTPResponse(status: .gatewayTimeout)
    }
}

extension HTTPResponse {
    var bodyData: Data {
        if case let .bytes(data) = body { return data }
        return Data()
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: bodyData) as? [String: Any]) ?? [:]
    }

    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }
}
