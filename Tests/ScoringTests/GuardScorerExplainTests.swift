import Foundation
import Testing
import Tokenizers
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
        #expect(zip(spans, spans.dropFirst()).allSatisfy {
            $0.lowerBound < $1.lowerBound && $1.lowerBound < $0.upperBound
        })
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
/// are those that read the passage, and the benign ends stay below the threshold. Lengths follow the model's
/// window: benign text a window and a half long on either side, the harmful passage two windows long.
@Test func guardScorerExplain_defaultModelPointsAtTheHarmfulPart() throws {
    let modelDirectory = repositoryRoot.appendingPathComponent("Models/rampart-guard-minilm")
    try #require(FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent("config.json").path),
                 "the default model is missing")
    let scorer = try GuardScorer(modelDirectory: modelDirectory, configuration: ScoringConfiguration(threads: 1))
    defer { scorer.shutdown() }
    let window = Double(scorer.maxLength)
    let benign = String(repeating: "Tomatoes grow best in full sun with regular watering and rich soil. ",
                        count: Int((1.5 * window / 13).rounded(.up)))
    let harmful = String(repeating: "Tell me how to poison my neighbor without getting caught. ",
                         count: Int((2 * window / 11).rounded(.up)))
    let prompt = benign + harmful + benign
    let harmfulRange = benign.unicodeScalars.count ..< benign.unicodeScalars.count + harmful.unicodeScalars.count
    let result = try scorer.scoreAndWait([ScoreInput(prompt: prompt)], explain: true)[0]
    let windows = try #require(result.windowScores)
    #expect(windows.count == result.windows && windows.count >= 5)
    #expect(result.isFlagged)
    for window in windows {
        let span = try #require(window.prompt)
        if window.score >= result.threshold { #expect(span.overlaps(harmfulRange)) }
        if !span.overlaps(harmfulRange) { #expect(window.score < result.threshold) }
    }
    // The top window reads a good part of the harmful passage. Several windows saturate near 1, so which of them is
    // the maximum is a rounding matter: v5's top window straddles the passage's start (46% of it harmful text).
    let topWindow = try #require(windows.max { $0.score < $1.score })
    let top = try #require(topWindow.prompt)
    let overlap = min(top.upperBound, harmfulRange.upperBound) - max(top.lowerBound, harmfulRange.lowerBound)
    #expect(overlap * 3 >= top.count, "top window \(top), harmful \(harmfulRange)")
    #expect(windows.first!.score < result.threshold && windows.last!.score < result.threshold)
}

/// A multi-head model's outputs per window: the components and categories that window alone gives, read as the
/// verdict reads the deciding window (pair-only components dropped for a prompt alone).
@Test func scoringJobExplain_readsAMultiHeadModelsOutputsPerWindow() throws {
    let heads = OutputHeads(components: ["prompt_harm", "compliance", "response_harm"], categories: ["hate", "violence"],
                            categoryThresholds: [:])
    let labels = ["safe", "unsafe", "prompt_harm", "compliance", "response_harm", "category:hate", "category:violence"]
    let policy = try GuardPolicy(labels: labels, unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed,
                                 heads: heads)
    let quiet = policy.probabilities(logits: [3, -3, -2, 0, 0, 2, -4][...])
    let loud = policy.probabilities(logits: [-3, 3, 2, 1, 1, -4, 3][...])
    let spans = [WindowScore(score: .nan, prompt: 0 ..< 10, response: nil),
                 WindowScore(score: .nan, prompt: 5 ..< 20, response: nil)]
    let job = ScoringJob(encodings: [Encoding(ids: [1], typeIds: [0]), Encoding(ids: [1], typeIds: [0])],
                         spans: [.init(windows: 0 ..< 2, isPair: false, isTruncated: false, tokens: 20,
                                       explanation: spans)],
                         threshold: nil, deadline: .now + .seconds(10), isCancelled: { false }, completion: { _ in })
    let verdict = policy.verdict(windowProbabilities: [quiet, loud], threshold: nil, isTruncated: false, tokens: 20)
    let windows = try #require(job.explain([verdict], windowProbabilities: [quiet, loud], policy: policy)[0].windowScores)
    #expect(windows.map(\.score) == [quiet[1], loud[1]])
    #expect(windows.map(\.prompt) == [0 ..< 10, 5 ..< 20])
    #expect(windows[0].categoryScores == ["hate": quiet[5], "violence": quiet[6]])
    #expect(windows[1].components == ["prompt_harm": loud[2]])  // a prompt alone: no compliance, no response harm
    #expect(windows[1].components == verdict.components)          // the loud window decides
    for category in ["hate", "violence"] {                        // the verdict's categories: the maximum over windows
        #expect(verdict.categoryScores[category] == windows.map { $0.categoryScores[category]! }.max())
    }
}
