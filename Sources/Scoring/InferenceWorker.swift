import Architectures
import Foundation
import Logging
import Metrics

/// The one thread that owns the model and its scratch memory. It pulls packed batches from the queue, drops windows
/// whose request is already answered (timed out) or whose client has gone, runs the forward pass and hands each
/// window's probabilities back to its job. No lock is held across a forward pass.
final class InferenceWorker: @unchecked Sendable {
    // Touched only on the worker thread after `start()`.
    private let classifier: any SequenceClassifier
    private let queue: BatchQueue
    private let policy: GuardPolicy
    private let padID: Int32
    private let maxBatchSize: Int
    private let maxBatchTokens: Int
    private let logger: Logger
    private let finished = DispatchSemaphore(value: 0)
    private let metrics = ScoringMetrics()

    init(classifier: any SequenceClassifier, queue: BatchQueue, policy: GuardPolicy, padID: Int32,
         maxBatchSize: Int, maxBatchTokens: Int, logger: Logger) {
        self.classifier = classifier
        self.queue = queue
        self.policy = policy
        self.padID = padID
        self.maxBatchSize = maxBatchSize
        self.maxBatchTokens = maxBatchTokens
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "rampart-inference"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Blocks until the worker has drained the closed queue.
    func waitUntilFinished() {
        finished.wait()
    }

    private func run() {
        while let batch = queue.nextBatch(maxSize: maxBatchSize, maxTokens: maxBatchTokens) {
            metrics.queueDepth.record(queue.depth)
            let now = ContinuousClock.now
            var live: [BatchQueue.Item] = []
            live.reserveCapacity(batch.count)
            for item in batch {
                if item.job.isFinished { continue }
                if now > item.job.deadline {
                    item.job.finish(.failure(.timedOut))
                } else if item.job.isCancelled() {
                    item.job.finish(.failure(.cancelled))
                    metrics.droppedCancelled.increment()
                } else {
                    live.append(item)
                }
            }
            if !live.isEmpty { compute(live) }
        }
    }

    private func compute(_ items: [BatchQueue.Item]) {
        let sequenceLength = items.map(\.length).max() ?? 0
        var ids = [Int32](repeating: padID, count: items.count * sequenceLength)
        var typeIds = [Int32](repeating: 0, count: items.count * sequenceLength)
        var lengths: [Int] = []
        lengths.reserveCapacity(items.count)
        for (row, item) in items.enumerated() {
            let encoding = item.job.encodings[item.window]
            let base = row * sequenceLength
            for (offset, id) in encoding.ids.enumerated() { ids[base + offset] = id }
            for (offset, type) in encoding.typeIds.enumerated() { typeIds[base + offset] = type }
            lengths.append(encoding.ids.count)
        }
        let batch = TokenBatch(ids: ids, typeIds: typeIds, lengths: lengths, batchSize: items.count,
                               sequenceLength: sequenceLength)
        let started = ContinuousClock.now
        let logits: [Float]
        do {
            logits = try classifier.classify(batch)
        } catch {
            // A failed pass becomes non-finite probabilities: the policy then fails closed (or open, if configured).
            logger.error("forward pass failed", metadata: ["error": "\(error)", "batch": "\(items.count)"])
            metrics.failures.increment()
            deliver(items, probabilities: { _ in [Double.nan] })
            return
        }
        metrics.inference.record(duration: ContinuousClock.now - started)
        metrics.batchSize.record(items.count)
        metrics.tokens.increment(by: lengths.reduce(0, +))
        let labels = max(1, logits.count / max(1, items.count))
        deliver(items) { row in
            self.policy.probabilities(logits: logits[(row * labels) ..< ((row + 1) * labels)])
        }
    }

    private func deliver(_ items: [BatchQueue.Item], probabilities: (Int) -> [Double]) {
        for (row, item) in items.enumerated() {
            guard let all = item.job.record(window: item.window, probabilities: probabilities(row)) else { continue }
            let results = item.job.spans.map { span in
                policy.verdict(windowProbabilities: Array(all[span.windows]), threshold: item.job.threshold,
                               isPair: span.isPair, isTruncated: span.isTruncated, tokens: span.tokens)
            }
            item.job.finish(.success(item.job.explain(results, windowProbabilities: all, policy: policy)))
        }
    }
}
