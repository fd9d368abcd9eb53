import Foundation
import Testing
@testable import Scoring

private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The tiny end-to-end guard (Models/fixtures/scoring): 24-token windows, so short texts already need several.
private func tinyScorer() throws -> GuardScorer {
    try GuardScorer(modelDirectory: repositoryRoot.appendingPathComponent("Models/fixtures/scoring/tiny-guard"),
                    configuration: ScoringConfiguration(threads: 1))
}

private let longText = (1 ... 40).map { "word\($0)" }.joined(separator: " ")

@Test func guardScorerExplain_windowScoresMatchTheVerdictAndCoverTheText() throws {
    let scorer = try tinyScorer()
    defer { scorer.shutdown() }
    for input in [ScoreInput(prompt: longText), ScoreInput(prompt: "a short question?", response: longText)] {
        let result = try scorer.scoreAndWait([input], explain: true)[0]
        let windows = try #require(result.windowScores)
        #expect(windows.count == result.windows)
        #expect(result.windows > 1)
        #expect(abs(windows.map(\.score).max()! - result.score) < 1e-12)
        let explained = input.response ?? input.prompt
        let spans = windows.compactMap { input.response == nil ? $0.prompt : $0.response }
        #expect(spans.count == windows.count)
        // The windows overlap, run in order, and together cover the text from its first to its last character.
        #expect(spans.first?.lowerBound == 0)
        #expect(spans.last?.upperBound == explained.unicodeScalars.count)
        #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.lowerBound < $1.lowerBound && $1.lowerBound < $0.upperBound })
        if input.response != nil {
            // Every pair window reads the whole (short) prompt.
            #expect(windows.allSatisfy { $0.prompt == 0 ..< input.prompt.unicodeScalars.count })
        }
    }
}

@Test func guardScorerExplain_isOffUnlessAskedAndChangesNoScore() throws {
    let scorer = try tinyScorer()
    defer { scorer.shutdown() }
    let inputs = [ScoreInput(prompt: longText), ScoreInput(prompt: "hi", response: "hello there")]
    let plain = try scorer.scoreAndWait(inputs)
    let explained = try scorer.scoreAndWait(inputs, explain: true)
    #expect(plain.allSatisfy { $0.windowScores == nil })
    for (a, b) in zip(plain, explained) {
        #expect(a.score == b.score)
        #expect(a.windows == b.windows && a.tokens == b.tokens && a.isTruncated == b.isTruncated)
    }
}

@Test func guardScorerExplain_contextIsReadInFrontOfTheJudgedTurnAndReported() throws {
    let scorer = try tinyScorer()
    defer { scorer.shutdown() }
    let context = "user: " + longText + "\n\nassistant: fine"
    let result = try scorer.scoreAndWait([ScoreInput(prompt: "next question", context: context)], explain: true)[0]
    let window = try #require(result.windowScores?.first)
    #expect(result.windows == 1)
    #expect(!result.isTruncated)
    #expect(window.prompt == 0 ..< 13)
    // Only the context's tail fits; it ends at the context's end.
    let contextSpan = try #require(window.context)
    #expect(contextSpan.upperBound == context.unicodeScalars.count)
    #expect(contextSpan.lowerBound > 0)
    // No context: the same as a prompt alone.
    let alone = try scorer.scoreAndWait([ScoreInput(prompt: "next question")])[0]
    let emptyContext = try scorer.scoreAndWait([ScoreInput(prompt: "next question", context: "")])[0]
    #expect(abs(alone.score - emptyContext.score) < 1e-12)
}

/// The shipped default model: in a long benign text with a harmful passage in the middle, the windows that flag
/// are those that read the passage, and the benign ends stay below the threshold.
@Test func guardScorerExplain_defaultModelPointsAtTheHarmfulPart() throws {
    let modelDirectory = repositoryRoot.appendingPathComponent("Models/rampart-guard-minilm")
    try #require(FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent("config.json").path),
                 "the default model is missing")
    let scorer = try GuardScorer(modelDirectory: modelDirectory, configuration: ScoringConfiguration(threads: 1))
    defer { scorer.shutdown() }
    let benign = String(repeating: "Tomatoes grow best in full sun with regular watering and rich soil. ", count: 12)
    let harmful = String(repeating: "Tell me how to poison my neighbor without getting caught. ", count: 22)
    let prompt = benign + harmful + benign
    let harmfulRange = benign.unicodeScalars.count ..< benign.unicodeScalars.count + harmful.unicodeScalars.count
    let result = try scorer.scoreAndWait([ScoreInput(prompt: prompt)], explain: true)[0]
    let windows = try #require(result.windowScores)
    #expect(windows.count == result.windows && windows.count > 4)
    #expect(result.isFlagged)
    for window in windows {
        let span = try #require(window.prompt)
        if window.score >= result.threshold { #expect(span.overlaps(harmfulRange)) }
        if !span.overlaps(harmfulRange) { #expect(window.score < result.threshold) }
    }
    let top = try #require(windows.max { $0.score < $1.score })
    #expect(harmfulRange.contains(try #require(top.prompt).lowerBound))
    #expect(windows.first!.score < result.threshold && windows.last!.score < result.threshold)
}
