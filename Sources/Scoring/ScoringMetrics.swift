import Metrics

/// The scorer's metrics through swift-metrics; the executable chooses the backend (Prometheus).
struct ScoringMetrics: Sendable {
    let inference = Metrics.Timer(label: "rampart_inference_duration_seconds")
    let batchSize = Recorder(label: "rampart_batch_size", aggregate: true)
    let queueDepth = Recorder(label: "rampart_queue_depth", aggregate: false)
    let tokens = Counter(label: "rampart_tokens_scored_total")
    let failures = Counter(label: "rampart_inference_failures_total")
    let droppedCancelled = Counter(label: "rampart_dropped_cancelled_total")
}
