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
        service.handle(request, context: HTTPRequestContext(receivedAt: .now)) { box.set($0) }
        return box.wait()
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
