import CoreMetrics
import Foundation
import Metrics
import Synchronization

/// Request metrics of the HTTP API, created through an injected factory (the executable passes Prometheus's).
/// Handles are created once per label set and cached: a factory lookup per request costs more than the request.
final class ServiceMetrics: Sendable {
    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let factory: any MetricsFactory
    private let requestCounters = Mutex<[RequestKey: Counter]>([:])
    private let requestTimers = Mutex<[String: Metrics.Timer]>([:])
    private let scored: Counter
    private let flagged: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        scored = Counter(label: "rampart_inputs_scored_total", factory: factory)
        flagged = Counter(label: "rampart_inputs_flagged_total", factory: factory)
    }

    /// Counts a finished request and records its latency, by route and status.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestKey(route: route, method: method, status: status)
        let counter = requestCounters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "rampart_http_requests_total",
                                  dimensions: [("route", route), ("method", method), ("status", String(status))],
                                  factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timer = requestTimers.withLock { timers in
            if let timer = timers[route] { return timer }
            let timer = Metrics.Timer(label: "rampart_http_request_duration_seconds", dimensions: [("route", route)],
                                      factory: factory)
            timers[route] = timer
            return timer
        }
        timer.record(duration: duration)
    }

    func recordScored(inputs: Int, flagged flaggedCount: Int) {
        scored.increment(by: inputs)
        flagged.increment(by: flaggedCount)
    }
}
