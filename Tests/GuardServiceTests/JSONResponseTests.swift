import Foundation
import HTTPServer
import Logging
import Prometheus
import Synchronization
import Testing
@testable import GuardService

/// Collects log messages (swift-log's `LogHandler`), shared by every copy of the handler.
struct CollectingLogHandler: LogHandler {
    final class Store: Sendable { let lines = Mutex<[String]>([]) }
    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let text = "\(level) \(message) \(metadata ?? [:])"
        store.lines.withLock { $0.append(text) }
    }
}

private struct Unencodable: Encodable { var score = Double.nan }

/// Regression (issue 14): JSONResponse fell back silently to "{}" or a bare 500. An encoding failure
/// is now an error the service logs (with the type and reason) before answering 500.
@Test func guardService_unencodableBodyIsLogged500() throws {
    let store = CollectingLogHandler.Store()
    let registry = PrometheusCollectorRegistry()
    let service = GuardService(configuration: ServiceConfiguration(), registry: registry,
                               metricsFactory: PrometheusMetricsFactory(registry: registry),
                               logger: Logger(label: "test") { _ in CollectingLogHandler(store: store) })
    let response = service.json(Unencodable())
    #expect(response.status == .internalServerError)
    #expect(response.errorCode == "internal_error")
    let lines = store.lines.withLock { $0 }
    #expect(lines.contains { $0.contains("response encoding failed") && $0.contains("Unencodable") })
    #expect(throws: JSONResponse.EncodingFailure.self) { try JSONResponse.make(encoding: Unencodable()) }
}

@Test func apiError_bodyHasTheOpenAIShape() throws {
    let response = APIError.notFound("/nope").response()
    let object = try #require(try JSONSerialization.jsonObject(with: response.bodyData) as? [String: Any])
    let error = try #require(object["error"] as? [String: Any])
    #expect(Set(error.keys) == ["message", "type", "code"])
    #expect(response.headers["Content-Type"] == "application/json")
}
