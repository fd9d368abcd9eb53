import Foundation
@testable import Generation
import Logging
import Synchronization
import Testing

private func waitFor<T: Sendable>(_ submit: (@escaping @Sendable (Result<T, GenerationError>) -> Void) -> Void) -> Result<T, GenerationError> {
    let box = Mutex<Result<T, GenerationError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    submit { result in
        box.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return box.withLock { $0! }
}

private func worker(_ configuration: GenerationConfiguration = GenerationConfiguration()) throws -> GenerationWorker {
    let worker = GenerationWorker(decoder: try GenerationFixtures.decoder(), configuration: configuration,
                                  logger: Logger(label: "test"))
    worker.start()
    return worker
}

@Test func worker_generatesAndMeasuresEvidence() throws {
    let worker = try worker()
    defer { worker.shutdown() }
    let parameters = SamplingParameters(maxTokens: 5, stopsAtEndOfSequence: false)
    let output = try waitFor { worker.generate(prompt: "hi", mode: .contrastive(alpha: 0.5), parameters: parameters, completion: $0) }.get()
    #expect(output.tokens.count == 5)
    let evidence = try waitFor { worker.evidence([.init(prompt: "hi", response: "Roses are red"), .init(prompt: "hi", response: nil)], completion: $0) }.get()
    #expect(evidence.count == 2 && evidence[0] != nil && evidence[1] == nil)
}

@Test func worker_cancelsWhenTheClientGoesMidGeneration() throws {
    let worker = try worker()
    defer { worker.shutdown() }
    let seen = Mutex(0)
    let parameters = SamplingParameters(maxTokens: 80, stopsAtEndOfSequence: false)
    let result = waitFor { completion in
        worker.generate(prompt: "hi", mode: .contrastive(alpha: 0.5), parameters: parameters,
                        isCancelled: { seen.withLock { $0 } >= 3 },
                        onPiece: { _ in seen.withLock { $0 += 1 } }, completion: completion)
    }
    #expect(result == .failure(.cancelled))
    #expect(seen.withLock { $0 } == 3)
}

@Test func worker_deadlineAndAdmission() throws {
    let expired = try worker(GenerationConfiguration(timeout: .zero))
    let late = waitFor { expired.generate(prompt: "hi", mode: .plain, parameters: SamplingParameters(maxTokens: 4), completion: $0) }
    #expect(late == .failure(.timedOut))
    expired.shutdown()

    let full = try worker(GenerationConfiguration(maxQueued: 0))
    let refused = waitFor { full.evidence([.init(prompt: "hi", response: "yo")], completion: $0) }
    #expect(refused == .failure(.overloaded(retryAfterSeconds: 1)))
    full.shutdown()
    let closed = waitFor { full.generate(prompt: "hi", mode: .plain, parameters: SamplingParameters(), completion: $0) }
    #expect(closed == .failure(.unavailable))
    let invalid = waitFor { full.generate(prompt: "hi", mode: .contrastive(alpha: -1), parameters: SamplingParameters(), completion: $0) }
    #expect(invalid == .failure(.invalidInput("acd.alpha must be in [0, 4], got -1.0")))
}
