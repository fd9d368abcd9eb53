import Architectures
import ArgumentParser
import Dispatch
import Foundation
import Scoring
import Synchronization

/// `rampart bench`: the offline scorer (no HTTP) timed on one input, as the baseline the server benchmark compares
/// `/v1/score` against. Prints one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the offline scorer (no HTTP): latency at one client or throughput at N concurrent clients."
    )

    @Option(help: "Guard model directory. Env RAMPART_MODEL. Default: the shipped model.")
    var model: String?

    @Option(help: "The prompt to score.")
    var prompt = "Can you explain how vaccines train the immune system to recognise a virus?"

    @Option(help: "The response to score with it (omit with --no-response).")
    var response = "Vaccines show the immune system a harmless piece of the virus so that it learns to recognise it."

    @Flag(help: "Score the prompt alone.")
    var noResponse = false

    @Option(help: "OpenBLAS threads. Env RAMPART_THREADS. Default: the number of CPUs.")
    var threads: Int?

    @Option(help: "Encoder arithmetic: auto (int8 on AVX-512 VNNI CPUs, else fp32), fp32 or int8. Default: auto.")
    var precision: PrecisionChoice = .auto

    @Option(help: "Window length in tokens. Default: the model's rampart.json max_length.")
    var maxLength: Int?

    @Option(help: "Concurrent clients, each submitting its next request when the last one is answered.")
    var concurrency = 1

    @Option(help: "Seconds to measure (after a warm-up).")
    var seconds = 5.0

    func run() throws {
        let env = Environment()
        var configuration = ScoringConfiguration(precision: precision.resolved())
        configuration.maxLength = maxLength
        let modelDirectory: URL
        do {
            modelDirectory = try DefaultModel.resolve(env.string(model, "RAMPART_MODEL"))
            configuration.threads = try env.int(threads, "RAMPART_THREADS") ?? ProcessInfo.processInfo.activeProcessorCount
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let scorer = try GuardScorer(modelDirectory: modelDirectory, configuration: configuration)
        defer { scorer.shutdown() }
        let input = ScoreInput(prompt: prompt, response: noResponse ? nil : response)
        for _ in 0 ..< 5 { _ = try scorer.scoreAndWait([input]) }

        let latencies = Mutex<[Double]>([])
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let started = ContinuousClock.now
        // One thread per caller (concurrentPerform would cap the callers at the CPU count).
        let group = DispatchGroup()
        for _ in 0 ..< max(1, concurrency) {
            group.enter()
            let caller = Thread {
                defer { group.leave() }
                while ContinuousClock.now < deadline {
                    let begin = ContinuousClock.now
                    guard (try? scorer.scoreAndWait([input])) != nil else { return }
                    let elapsed = ContinuousClock.now - begin
                    let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                    latencies.withLock { $0.append(ms) }
                }
            }
            caller.start()
        }
        group.wait()
        let wall = ContinuousClock.now - started
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let sorted = latencies.withLock { $0 }.sorted()
        guard !sorted.isEmpty else { throw ValidationError("no request completed") }
        let result: [String: Any] = [
            "concurrency": concurrency, "requests": sorted.count,
            "p50_ms": sorted[sorted.count / 2], "p99_ms": sorted[min(sorted.count - 1, sorted.count * 99 / 100)],
            "requests_per_second": Double(sorted.count) / wallSeconds, "model": scorer.modelID,
            "precision": precision.resolved().rawValue, "max_length": scorer.maxLength,
            "windows": try scorer.scoreAndWait([input])[0].windows,
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
