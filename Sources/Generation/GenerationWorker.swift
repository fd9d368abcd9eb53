import Architectures
import Dispatch
import Foundation
import Logging
import Synchronization

/// The one thread that owns the causal model and its KV caches. Requests (generation, harm evidence) wait in a
/// bounded FIFO; each runs to completion unless its client goes away or its deadline passes, which are checked
/// before it starts and before every decoding step. Completions are called exactly once, on the worker thread
/// (or on the caller's thread when refused at admission).
public final class GenerationWorker: Sendable {
    /// One (prompt, response) pair to weigh; a nil response gets no evidence.
    public struct EvidenceInput: Sendable, Equatable {
        public var prompt: String
        public var response: String?
        public init(prompt: String, response: String?) { self.prompt = prompt; self.response = response }
    }

    private enum Work: Sendable {
        case generate(conversation: [ChatTemplate.Message], mode: ContrastiveDecoder.Mode, parameters: SamplingParameters,
                      onPiece: @Sendable (ContrastiveDecoder.Piece) -> Void,
                      completion: @Sendable (Result<ContrastiveDecoder.Output, GenerationError>) -> Void)
        case evidence([EvidenceInput], completion: @Sendable (Result<[HarmEvidence?], GenerationError>) -> Void)

        func fail(_ error: GenerationError) {
            switch self {
            case let .generate(_, _, _, _, completion): completion(.failure(error))
            case let .evidence(_, completion): completion(.failure(error))
            }
        }
    }

    private struct Job: Sendable {
        var work: Work
        var deadline: ContinuousClock.Instant
        var isCancelled: @Sendable () -> Bool
    }

    private struct State {
        var jobs: [Job] = []
        var isClosed = false
    }

    /// The model's short name (for responses).
    public let modelName: String
    public let configuration: GenerationConfiguration
    /// Whether `generate` can apply soft prompts (loaded at startup).
    public let usesSoftPrompts: Bool
    // The decoder is only touched on the worker thread once `start()` has run.
    private let decoder: ContrastiveDecoder
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let logger: Logger
    private let metrics = GenerationMetrics()

    public init(decoder: ContrastiveDecoder, configuration: GenerationConfiguration = GenerationConfiguration(),
                logger: Logger) {
        self.decoder = decoder
        self.configuration = configuration
        self.logger = logger
        self.modelName = decoder.lm.name
        self.usesSoftPrompts = decoder.prompts.softSafe != nil
    }

    public func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "rampart-generation"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Refuses new work, fails what is queued with `unavailable`, lets the running request finish, and waits.
    public func shutdown() {
        let queued = state.withLock { state -> [Job] in
            state.isClosed = true
            defer { state.jobs.removeAll() }
            return state.jobs
        }
        for job in queued { job.work.fail(.unavailable) }
        available.signal()
        finished.wait()
    }

    /// Queues a generation. `onPiece` streams each token's text; `completion` gets the whole output or the error.
    public func generate(prompt: String, mode: ContrastiveDecoder.Mode, parameters: SamplingParameters,
                         isCancelled: @escaping @Sendable () -> Bool = { false },
                         onPiece: @escaping @Sendable (ContrastiveDecoder.Piece) -> Void = { _ in },
                         completion: @escaping @Sendable (Result<ContrastiveDecoder.Output, GenerationError>) -> Void) {
        generate(conversation: [.init(role: "user", content: prompt)], mode: mode, parameters: parameters,
                 isCancelled: isCancelled, onPiece: onPiece, completion: completion)
    }

    /// Queues the next assistant turn of a conversation (chat completions); otherwise as `generate(prompt:...)`.
    public func generate(conversation: [ChatTemplate.Message], mode: ContrastiveDecoder.Mode,
                         parameters: SamplingParameters,
                         isCancelled: @escaping @Sendable () -> Bool = { false },
                         onPiece: @escaping @Sendable (ContrastiveDecoder.Piece) -> Void = { _ in },
                         completion: @escaping @Sendable (Result<ContrastiveDecoder.Output, GenerationError>) -> Void) {
        do throws(GenerationError) {
            try parameters.validate()
            _ = try ContrastiveDecoder.alpha(of: mode)
        } catch {
            completion(.failure(error))
            return
        }
        submit(Job(work: .generate(conversation: conversation, mode: mode, parameters: parameters, onPiece: onPiece, completion: completion),
                   deadline: .now + configuration.timeout, isCancelled: isCancelled))
    }

    /// Queues harm-evidence measurements, one result per input (nil where the input has no response).
    public func evidence(_ inputs: [EvidenceInput], isCancelled: @escaping @Sendable () -> Bool = { false },
                         completion: @escaping @Sendable (Result<[HarmEvidence?], GenerationError>) -> Void) {
        submit(Job(work: .evidence(inputs, completion: completion), deadline: .now + configuration.timeout,
                   isCancelled: isCancelled))
    }

    private func submit(_ job: Job) {
        let refusal = state.withLock { state -> GenerationError? in
            if state.isClosed { return .unavailable }
            if state.jobs.count >= configuration.maxQueued { return .overloaded(retryAfterSeconds: 1) }
            state.jobs.append(job)
            return nil
        }
        if let refusal { job.work.fail(refusal) } else { available.signal() }
    }

    private func run() {
        while true {
            available.wait()
            let next = state.withLock { state -> (job: Job?, depth: Int, closed: Bool) in
                if state.jobs.isEmpty { return (nil, 0, state.isClosed) }
                return (state.jobs.removeFirst(), state.jobs.count, false)
            }
            guard let job = next.job else {
                if next.closed { return }
                continue
            }
            metrics.queueDepth.record(next.depth)
            if let error = check(job) {
                if error == .cancelled { metrics.droppedCancelled.increment() }
                job.work.fail(error)
                continue
            }
            execute(job)
        }
    }

    private func check(_ job: Job) -> GenerationError? {
        if ContinuousClock.now > job.deadline { return .timedOut }
        if job.isCancelled() { return .cancelled }
        return nil
    }

    private func execute(_ job: Job) {
        let started = ContinuousClock.now
        switch job.work {
        case let .generate(conversation, mode, parameters, onPiece, completion):
            do throws(GenerationError) {
                let output = try decoder.generate(conversation: conversation, mode: mode, parameters: parameters,
                                                  check: { check(job) }, onPiece: onPiece)
                metrics.generation.recordNanoseconds(Self.nanoseconds(ContinuousClock.now - started))
                (mode == .plain ? metrics.plainTokens : metrics.contrastiveTokens).increment(by: output.tokens.count)
                completion(.success(output))
            } catch {
                note(error)
                completion(.failure(error))
            }
        case let .evidence(inputs, completion):
            do throws(GenerationError) {
                var results: [HarmEvidence?] = []
                for input in inputs {
                    if let error = check(job) { throw error }
                    guard let response = input.response, !response.isEmpty else {
                        results.append(nil)
                        continue
                    }
                    results.append(try decoder.evidence(prompt: input.prompt, response: response))
                }
                metrics.evidence.recordNanoseconds(Self.nanoseconds(ContinuousClock.now - started))
                completion(.success(results))
            } catch {
                note(error)
                completion(.failure(error))
            }
        }
    }

    private func note(_ error: GenerationError) {
        switch error {
        case .cancelled: metrics.droppedCancelled.increment()
        case .inferenceFailed:
            metrics.failures.increment()
            logger.error("generation failed", metadata: ["error": "\(error)"])
        default: break
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
