import Foundation
import Synchronization
import Tokenizers

/// One submitted request on its way through the queue: its windows, the probabilities they produced so far, and
/// the completion that must be called exactly once (result, timeout or cancellation, whichever comes first).
final class ScoringJob: Sendable {
    /// Which windows belong to which input.
    struct InputSpan: Sendable {
        var windows: Range<Int>
        var isPair: Bool
        var isTruncated: Bool
        var tokens: Int
        /// Per window, the text it covers (scores still NaN); only when the request asked to explain.
        var explanation: [WindowScore]? = nil
    }

    let encodings: [Encoding]
    let spans: [InputSpan]
    let threshold: Double?
    let deadline: ContinuousClock.Instant
    let isCancelled: @Sendable () -> Bool
    let enqueuedAt: ContinuousClock.Instant

    private struct State {
        var probabilities: [[Double]?]
        var remaining: Int
        var completion: (@Sendable (Result<[ScoreResult], ScoringError>) -> Void)?
    }

    private let state: Mutex<State>

    init(encodings: [Encoding], spans: [InputSpan], threshold: Double?, deadline: ContinuousClock.Instant,
         isCancelled: @escaping @Sendable () -> Bool,
         completion: @escaping @Sendable (Result<[ScoreResult], ScoringError>) -> Void) {
        self.encodings = encodings
        self.spans = spans
        self.threshold = threshold
        self.deadline = deadline
        self.isCancelled = isCancelled
        self.enqueuedAt = .now
        self.state = Mutex(State(probabilities: Array(repeating: nil, count: encodings.count),
                                 remaining: encodings.count, completion: completion))
    }

    var isFinished: Bool { state.withLock { $0.completion == nil } }

    /// Stores one window's probabilities; when it was the last one, returns them all (in window order).
    func record(window: Int, probabilities: [Double]) -> [[Double]]? {
        state.withLock { state in
            guard state.completion != nil, state.probabilities[window] == nil else { return nil }
            state.probabilities[window] = probabilities
            state.remaining -= 1
            return state.remaining == 0 ? state.probabilities.map { $0 ?? [] } : nil
        }
    }

    /// Adds each explained input's per-window scores (P(unsafe) by `policy`, and a multi-head model's components
    /// and categories as the verdict reads them, from this window alone) to its verdict.
    func explain(_ results: [ScoreResult], windowProbabilities all: [[Double]], policy: GuardPolicy) -> [ScoreResult] {
        zip(results, spans).map { result, span in
            guard let explanation = span.explanation else { return result }
            var result = result
            result.windowScores = zip(explanation, all[span.windows]).map { window, probabilities in
                var window = window
                window.score = policy.unsafeProbability(probabilities)
                if let heads = policy.heads, probabilities.count == heads.outputCount {
                    let read = heads.read(windowProbabilities: [probabilities], decidingWindow: 0)
                    window.components = span.isPair ? read.components
                        : read.components.filter { !GuardPolicy.pairOnlyComponents.contains($0.key) }
                    window.categoryScores = read.categories
                }
                return window
            }
            return result
        }
    }

    /// Calls the completion if nobody has yet. Returns whether this call won.
    @discardableResult
    func finish(_ result: Result<[ScoreResult], ScoringError>) -> Bool {
        let completion = state.withLock { state -> (@Sendable (Result<[ScoreResult], ScoringError>) -> Void)? in
            defer { state.completion = nil }
            return state.completion
        }
        guard let completion else { return false }
        completion(result)
        return true
    }
}
