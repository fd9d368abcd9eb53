import CoreMetrics
import Foundation
import Metrics

/// Request metrics of the HTTP API, created through an injected factory (the executable passes Prometheus's).
struct ServiceMetrics: Sendable {
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts a finished request and records its latency, by route and status.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        Counter(label: "rampart_http_requests_total",
                dimensions: [("route", route), ("method", method), ("status", String(status))],
                factory: factory).increment()
        Metrics.Timer(label: "rampart_http_request_duration_seconds", dimensions: [("route", route)],
                      factory: factory).record(duration: duration)
    }

    func recordScored(inputs: Int, flagged: Int) {
        Counter(label: "rampart_inputs_scored_total", factory: factory).increment(by: inputs)
        Counter(label: "rampart_inputs_flagged_total", factory: factory).increment(by: flagged)
    }
}
