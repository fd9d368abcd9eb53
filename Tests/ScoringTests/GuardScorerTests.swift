import Foundation
import Synchronization
import Testing
@testable import Scoring

/// The tiny end-to-end guard made by Models/fixtures/make_scoring_fixture.py.
private let fixtureDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models/fixtures/scoring")

private struct GoldenCase: Decodable {
    var prompt: String
    var response: String?
    var score: Double
    var windows: Int
    var tokens: Int
}

private func goldenCases() throws -> [GoldenCase] {
    try JSONDecoder().decode([GoldenCase].self, from: Data(contentsOf: fixtureDirectory.appendingPathComponent("golden.json")))
}

private func makeScorer(_ configuration: ScoringConfiguration = ScoringConfiguration(threads: 1)) throws -> GuardScorer {
    try GuardScorer(modelDirectory: fixtureDirectory.appendingPathComponent("tiny-guard"), configuration: configuration)
}

@Test func guardScorer_matchesTransformersOverTheSameWindows() throws {
    let scorer = try makeScorer()
    defer { scorer.shutdown() }
    #expect(scorer.maxLength == 24)
    #expect(scorer.labels == ["safe", "unsafe"])
    let cases = try goldenCases()
    let results = try scorer.scoreAndWait(cases.map { ScoreInput(prompt: $0.prompt, response: $0.response) })
    for (golden, result) in zip(cases, results) {
        #expect(abs(result.score - golden.score) < 1e-4, "\(golden.prompt)")
        #expect(result.windows == golden.windows)
        #expect(result.tokens == golden.tokens)
        #expect(result.isFlagged == (result.score >= 0.5))
    }
    #expect(results.contains { $0.windows > 1 }, "the fixture must exercise windows")
}

@Test func guardScorer_batchedAndSingleRequestsAgree() throws {
    let scorer = try makeScorer()
    defer { scorer.shutdown() }
    let inputs = try goldenCases().prefix(8).map { ScoreInput(prompt: $0.prompt, response: $0.response) }
    let batched = try scorer.scoreAndWait(Array(inputs))
    for (input, expected) in zip(inputs, batched) {
        let single = try scorer.scoreAndWait([input])[0]
        #expect(abs(single.score - expected.score) < 1e-5)
    }
}

@Test func guardScorer_concurrentRequestsAreAllAnsweredCorrectly() throws {
    let scorer = try makeScorer()
    defer { scorer.shutdown() }
    let cases = try goldenCases()
    let mismatches = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: 48) { i in
        let golden = cases[i % cases.count]
        let result = try? scorer.scoreAndWait([ScoreInput(prompt: golden.prompt, response: golden.response)])
        if result == nil || abs(result![0].score - golden.score) >= 1e-4 {
            mismatches.add(1, ordering: .relaxed)
        }
    }
    #expect(mismatches.load(ordering: .relaxed) == 0)
}

@Test func guardScorer_truncatePolicyScoresOneWindowAndSaysSo() throws {
    let scorer = try makeScorer(ScoringConfiguration(threads: 1, longInputPolicy: .truncate))
    defer { scorer.shutdown() }
    let long = try #require(try goldenCases().first { $0.windows > 1 })
    let result = try scorer.scoreAndWait([ScoreInput(prompt: long.prompt, response: long.response)])[0]
    #expect(result.windows == 1)
    #expect(result.isTruncated)
}

@Test func guardScorer_rejectsBadRequestsClearly() throws {
    let scorer = try makeScorer(ScoringConfiguration(threads: 1, maxInputsPerRequest: 2))
    defer { scorer.shutdown() }
    #expect(throws: ScoringError.invalidInput("no inputs to score")) { try scorer.scoreAndWait([]) }
    #expect(throws: ScoringError.self) { try scorer.scoreAndWait(Array(repeating: ScoreInput(prompt: "x"), count: 3)) }
    #expect(throws: ScoringError.invalidInput("threshold must be within [0, 1]")) {
        try scorer.scoreAndWait([ScoreInput(prompt: "x")], threshold: 1.5)
    }
}

@Test func guardScorer_dropsRequestsWhoseClientHasGone() throws {
    let scorer = try makeScorer()
    defer { scorer.shutdown() }
    let outcome = Mutex<Result<[ScoreResult], ScoringError>?>(nil)
    let done = DispatchSemaphore(value: 0)
    scorer.score([ScoreInput(prompt: "hello there")], isCancelled: { true }) { result in
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    #expect(outcome.withLock { $0 } == .failure(.cancelled))
}

@Test func guardScorer_fullQueueAnswersOverloaded() throws {
    let scorer = try makeScorer(ScoringConfiguration(threads: 1, maxBatchSize: 1, maxQueuedWindows: 4))
    defer { scorer.shutdown() }
    let long = try #require(try goldenCases().first { $0.windows >= 5 })
    let overloaded = Atomic<Int>(0)
    let group = DispatchGroup()
    for _ in 0 ..< 40 {
        group.enter()
        scorer.score([ScoreInput(prompt: long.prompt, response: long.response)]) { result in
            if case .failure(.overloaded) = result { overloaded.add(1, ordering: .relaxed) }
            group.leave()
        }
    }
    group.wait()
    #expect(overloaded.load(ordering: .relaxed) > 0)
}

@Test func guardScorer_deadlineAnswersTimedOut() throws {
    let scorer = try makeScorer(ScoringConfiguration(threads: 1, requestTimeout: .nanoseconds(1)))
    defer { scorer.shutdown() }
    #expect(throws: ScoringError.timedOut) { try scorer.scoreAndWait([ScoreInput(prompt: "hello")]) }
}

@Test func guardScorer_badModelDirectoryNamesTheFile() {
    let missing = URL(fileURLWithPath: "/nonexistent/model")
    do {
        _ = try GuardScorer(modelDirectory: missing)
        Issue.record("loading a missing model must throw")
    } catch {
        #expect("\(error)".contains("/nonexistent/model"))
    }
}
