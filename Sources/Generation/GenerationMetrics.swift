import Metrics

/// Generation metrics through swift-metrics; the executable chooses the backend (Prometheus).
struct GenerationMetrics: Sendable {
    let plainTokens = Counter(label: "rampart_generated_tokens_total", dimensions: [("mode", "plain")])
    let contrastiveTokens = Counter(label: "rampart_generated_tokens_total", dimensions: [("mode", "acd")])
    let generation = Metrics.Timer(label: "rampart_generation_duration_seconds")
    let evidence = Metrics.Timer(label: "rampart_acd_evidence_duration_seconds")
    let queueDepth = Recorder(label: "rampart_generation_queue_depth", aggregate: false)
    let failures = Counter(label: "rampart_generation_failures_total")
    let droppedCancelled = Counter(label: "rampart_generation_cancelled_total")
}
