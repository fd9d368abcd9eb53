import CoreMetrics
import Foundation
import Metrics

/// Proxy-mode metrics. Labels are bounded: `rail` is input or output, `outcome` one of a fixed few.
/// No text is ever a label or a log field.
final class ProxyMetrics: Sendable {
    enum Rail: String, Sendable { case input, output }

    private let checks: [Rail: Counter]
    private let flagged: [Rail: Counter]
    private let blocks: [Rail: Counter]
    private let checkDuration: [Rail: Metrics.Timer]
    /// Upstream time to the response head and to the last byte.
    let upstreamFirstByte: Metrics.Timer
    let upstreamTotal: Metrics.Timer
    private let upstreamErrors: [String: Counter]

    static let errorKinds = ["unreachable", "timeout", "status", "invalid", "cancelled"]

    init(factory: any MetricsFactory) {
        func perRail<T>(_ make: (Rail) -> T) -> [Rail: T] { [.input: make(.input), .output: make(.output)] }
        checks = perRail { Counter(label: "rampart_proxy_checks_total", dimensions: [("rail", $0.rawValue)], factory: factory) }
        flagged = perRail { Counter(label: "rampart_proxy_flagged_total", dimensions: [("rail", $0.rawValue)], factory: factory) }
        blocks = perRail { Counter(label: "rampart_proxy_blocks_total", dimensions: [("rail", $0.rawValue)], factory: factory) }
        checkDuration = perRail {
            Metrics.Timer(label: "rampart_proxy_check_duration_seconds", dimensions: [("rail", $0.rawValue)], factory: factory)
        }
        upstreamFirstByte = Metrics.Timer(label: "rampart_proxy_upstream_duration_seconds", dimensions: [("phase", "first_byte")],
                                          factory: factory)
        upstreamTotal = Metrics.Timer(label: "rampart_proxy_upstream_duration_seconds", dimensions: [("phase", "total")],
                                      factory: factory)
        var errors: [String: Counter] = [:]
        for kind in Self.errorKinds {
            errors[kind] = Counter(label: "rampart_proxy_upstream_errors_total", dimensions: [("kind", kind)], factory: factory)
        }
        upstreamErrors = errors
    }

    func recordCheck(_ rail: Rail, duration: Duration, flagged isFlagged: Bool) {
        checks[rail]?.increment()
        checkDuration[rail]?.record(duration: duration)
        if isFlagged { flagged[rail]?.increment() }
    }

    func recordBlock(_ rail: Rail) { blocks[rail]?.increment() }

    func recordUpstreamError(_ kind: String) { upstreamErrors[kind]?.increment() }
}
