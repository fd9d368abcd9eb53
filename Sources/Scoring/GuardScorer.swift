import Architectures
import Dispatch
import Foundation
import Logging
import Metrics
import ModelIO
import Tokenizers

/// The scoring service: a guard classifier, its tokenizer and policy, a batch queue and the inference worker.
///
/// Requests are tokenized and split into windows on the caller's side (`score` returns at once), admitted or refused
/// by the queue, computed in packed batches by the worker thread, and answered through the completion — exactly
/// once: with results, `timedOut` at the deadline, or `cancelled` when the client went away before its turn.
public final class GuardScorer: Sendable {
    /// The model's name: `rampart.json`'s `id`, else the model directory's name.
    public let modelID: String
    /// id2label in index order.
    public let labels: [String]
    /// Window length in tokens, special tokens included.
    public let maxLength: Int
    /// The default flag threshold.
    public let threshold: Double
    /// The default flag threshold for (prompt, response) pairs (`rampart.json`'s `pair_threshold`, else `threshold`).
    public let pairThreshold: Double
    /// (multi-head models) The component and category outputs beside the verdict; nil for a plain classifier.
    public let heads: OutputHeads?
    public let configuration: ScoringConfiguration
    /// Wall time spent loading tokenizer and weights.
    public let loadDuration: Duration

    private let tokenizer: Tokenizer
    private let planner: WindowPlanner
    private let queue: BatchQueue
    private let worker: InferenceWorker
    private let tokenizeQueue = DispatchQueue(label: "rampart.tokenize", qos: .userInitiated, attributes: .concurrent)

    /// Loads `config.json`, the weights, `tokenizer.json` and the optional `rampart.json` from `modelDirectory`.
    public init(modelDirectory: URL, configuration: ScoringConfiguration = ScoringConfiguration(),
                logger: Logger = Logger(label: "rampart.scoring")) throws {
        let started = ContinuousClock.now
        let settings = try GuardSettings.load(fromModelDirectory: modelDirectory)
        let tokenizerURL = modelDirectory.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw ScoringError.invalidModel(file: tokenizerURL.path, reason: "missing (a guard model directory needs tokenizer.json)")
        }
        let tokenizer = try Tokenizer(contentsOf: tokenizerURL)
        let classifier = try ModelLoader.loadClassifier(at: modelDirectory, options: EngineOptions(blasThreadCount: configuration.threads, precision: configuration.precision))

        let maxLength = min(configuration.maxLength ?? settings.maxLength ?? 512, classifier.maxPositions)
        // An operator's threshold (flag or environment) replaces both of the model's.
        let threshold = configuration.threshold ?? settings.threshold ?? 0.5
        let pairThreshold = configuration.threshold ?? settings.pairThreshold ?? threshold
        let policy = try GuardPolicy(labels: classifier.labels, unsafeLabel: settings.unsafeLabel,
                                     threshold: threshold, pairThreshold: pairThreshold,
                                     failurePolicy: configuration.failurePolicy, heads: settings.heads,
                                     settingsFile: modelDirectory.appendingPathComponent("rampart.json").path)
        self.modelID = settings.modelID ?? modelDirectory.standardizedFileURL.lastPathComponent
        self.labels = classifier.labels
        self.heads = settings.heads
        self.maxLength = maxLength
        self.threshold = threshold
        self.pairThreshold = pairThreshold
        self.configuration = configuration
        self.tokenizer = tokenizer
        self.planner = WindowPlanner(maxLength: maxLength,
                                     specialTokensSingle: tokenizer.specialTokenCount(isPair: false),
                                     specialTokensPair: tokenizer.specialTokenCount(isPair: true),
                                     policy: configuration.longInputPolicy,
                                     maxWindows: max(1, configuration.maxWindowsPerInput))
        self.queue = BatchQueue(maxQueuedWindows: configuration.maxQueuedWindows)
        self.worker = InferenceWorker(classifier: classifier, queue: queue, policy: policy, padID: tokenizer.padTokenID,
                                      maxBatchSize: configuration.maxBatchSize,
                                      maxBatchTokens: max(configuration.maxBatchTokens, maxLength),
                                      logger: logger)
        self.loadDuration = ContinuousClock.now - started
        Metrics.Timer(label: "rampart_model_load_duration_seconds").record(duration: loadDuration)
        worker.start()
    }

    /// Windows waiting for the worker now.
    public var queueDepth: Int { queue.depth }

    /// Scores `inputs` asynchronously; `completion` runs exactly once, on a worker or timer thread.
    /// - Parameters:
    ///   - threshold: overrides the default flag threshold for this request.
    ///   - explain: also report every window's score and the characters it covered (`ScoreResult.windowScores`).
    ///   - isCancelled: polled before the request's windows are computed; true drops them (client gone).
    public func score(_ inputs: [ScoreInput], threshold: Double? = nil, explain: Bool = false,
                      isCancelled: @escaping @Sendable () -> Bool = { false },
                      completion: @escaping @Sendable (Result<[ScoreResult], ScoringError>) -> Void) {
        guard !inputs.isEmpty else {
            completion(.failure(.invalidInput("no inputs to score")))
            return
        }
        guard inputs.count <= configuration.maxInputsPerRequest else {
            completion(.failure(.invalidInput(
                "\(inputs.count) inputs in one request; the limit is \(configuration.maxInputsPerRequest)")))
            return
        }
        if let threshold, !(0 ... 1).contains(threshold) {
            completion(.failure(.invalidInput("threshold must be within [0, 1]")))
            return
        }
        let deadline = ContinuousClock.now + configuration.requestTimeout
        tokenizeQueue.async { [self] in
            let job = makeJob(inputs, threshold: threshold, explain: explain, deadline: deadline,
                              isCancelled: isCancelled, completion: completion)
            do throws(ScoringError) {
                try queue.enqueue(job)
            } catch {
                job.finish(.failure(error))
                return
            }
            // The deadline answers even when the worker is busy with earlier work; a late result is then dropped.
            let delay = deadline - ContinuousClock.now
            let nanoseconds = max(0, Int(delay.components.seconds) * 1_000_000_000
                + Int(delay.components.attoseconds / 1_000_000_000))
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [weak job] in
                job?.finish(.failure(.timedOut))
            }
        }
    }

    /// Blocking convenience for the CLI and warm-up. Never call it on the worker thread.
    public func scoreAndWait(_ inputs: [ScoreInput], threshold: Double? = nil,
                             explain: Bool = false) throws(ScoringError) -> [ScoreResult] {
        let box = ResultBox()
        score(inputs, threshold: threshold, explain: explain) { result in box.set(result) }
        return try box.wait().get()
    }

    /// Runs one forward pass so that first-request latency does not include lazy initialisation.
    public func warmUp() throws(ScoringError) {
        _ = try scoreAndWait([ScoreInput(prompt: "Rampart warm-up.", response: "Ready.")])
    }

    /// Refuses new requests, finishes the queued ones, and stops the worker.
    public func shutdown() {
        queue.close()
        worker.waitUntilFinished()
    }

    private func makeJob(_ inputs: [ScoreInput], threshold: Double?, explain: Bool, deadline: ContinuousClock.Instant,
                         isCancelled: @escaping @Sendable () -> Bool,
                         completion: @escaping @Sendable (Result<[ScoreResult], ScoringError>) -> Void) -> ScoringJob {
        var encodings: [Encoding] = []
        var spans: [ScoringJob.InputSpan] = []
        for input in inputs {
            let prompt = tokens(of: input.prompt, withOffsets: explain)
            let response = input.response.map { tokens(of: $0, withOffsets: explain) }
            let context = input.context.map { tokens(of: $0, withOffsets: explain) }
            let plan = planner.plan(prompt: prompt.ids, response: response?.ids, context: context?.ids ?? [])
            let start = encodings.count
            for segment in plan.segments {
                encodings.append(tokenizer.postProcess(Array(segment.first), pair: segment.second.map { Array($0) }))
            }
            var span = ScoringJob.InputSpan(windows: start ..< encodings.count, isPair: input.response != nil,
                                            isTruncated: plan.isTruncated, tokens: plan.tokenCount)
            if explain {
                span.explanation = plan.segments.map {
                    Self.explanation(of: $0, prompt: prompt, response: response, context: context)
                }
            }
            spans.append(span)
        }
        return ScoringJob(encodings: encodings, spans: spans, threshold: threshold, deadline: deadline,
                          isCancelled: isCancelled, completion: completion)
    }

    private typealias Tokens = (ids: [Int32], offsets: [Range<Int>])

    private func tokens(of text: String, withOffsets: Bool) -> Tokens {
        withOffsets ? tokenizer.tokenizeWithOffsets(text) : (tokenizer.tokenize(text), [])
    }

    /// The characters a window covers. Its `first` slice indexes context + prompt (the planner's coordinates).
    private static func explanation(of segment: WindowPlanner.Segment, prompt: Tokens, response: Tokens?,
                                    context: Tokens?) -> WindowScore {
        let contextCount = context?.ids.count ?? 0
        let first = segment.first.indices
        let contextTokens = first.clamped(to: 0 ..< contextCount)
        let promptTokens = (max(first.lowerBound, contextCount) - contextCount)
            ..< (max(first.upperBound, contextCount) - contextCount)
        return WindowScore(score: .nan,
                           prompt: characters(promptTokens, prompt.offsets),
                           response: segment.second.flatMap { characters($0.indices, response?.offsets ?? []) },
                           context: characters(contextTokens, context?.offsets ?? []))
    }

    /// The character span of tokens `range`: from the first token's start to the last one's end.
    private static func characters(_ range: Range<Int>, _ offsets: [Range<Int>]) -> Range<Int>? {
        guard !range.isEmpty, range.upperBound <= offsets.count else { return nil }
        return offsets[range.lowerBound].lowerBound ..< offsets[range.upperBound - 1].upperBound
    }
}

/// A one-shot result slot for `scoreAndWait`.
private final class ResultBox: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<[ScoreResult], ScoringError>?

    func set(_ value: Result<[ScoreResult], ScoringError>) {
        result = value
        semaphore.signal()
    }

    func wait() -> Result<[ScoreResult], ScoringError> {
        semaphore.wait()
        return result ?? .failure(.unavailable)
    }
}
