import Foundation
import Testing
@testable import Scoring

private let heads = OutputHeads(components: ["prompt_harm", "compliance", "response_harm"],
                                categories: ["harassment", "hate", "violence"],
                                categoryThresholds: ["harassment": 0.4, "hate": 0.5, "violence": 0.7])
private let labels = ["safe", "unsafe", "prompt_harm", "compliance", "response_harm",
                      "category:harassment", "category:hate", "category:violence"]

@Test func outputHeads_verdictIsTheSoftmaxOfTheFirstTwoOutputsOnly() throws {
    let policy = try GuardPolicy(labels: labels, unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed, heads: heads)
    let p = policy.probabilities(logits: [0, 2, 5, -5, 0, 3, -3, 0][...])
    #expect(abs(p[1] - 1 / (1 + exp(-2.0))) < 1e-12)  // not diluted by the six other outputs
    #expect(abs(p[0] + p[1] - 1) < 1e-12)
    #expect(abs(p[2] - 1 / (1 + exp(-5.0))) < 1e-12)
    #expect(abs(p[3] - 1 / (1 + exp(5.0))) < 1e-12)
    #expect(abs(p[4] - 0.5) < 1e-12)
}

@Test func outputHeads_componentsFromTheDecidingWindowCategoriesFromTheMaximum() throws {
    let policy = try GuardPolicy(labels: labels, unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed, heads: heads)
    let quiet = policy.probabilities(logits: [3, -3, 0, 0, 0, -4, 2, -4][...])   // hate 0.88 here, P(unsafe) low
    let loud = policy.probabilities(logits: [-3, 3, 1, 2, 3, 1, -4, -4][...])    // harassment 0.73, P(unsafe) high
    let result = policy.verdict(windowProbabilities: [quiet, loud], threshold: nil, isPair: true, isTruncated: false,
                                tokens: 9)
    #expect(result.isFlagged)
    #expect(abs(result.components["compliance"]! - loud[3]) < 1e-12)
    #expect(abs(result.categoryScores["hate"]! - quiet[6]) < 1e-12)
    #expect(abs(result.categoryScores["harassment"]! - loud[5]) < 1e-12)
    #expect(Set(result.flaggedCategories) == ["harassment", "hate"])  // 0.73 >= 0.4, 0.88 >= 0.5, violence 0.02 < 0.7
    #expect(Set(result.labelScores.keys) == ["safe", "unsafe"])
}

@Test func outputHeads_noCategoryIsTrueUnlessFlaggedAndAFlagAlwaysNamesOne() throws {
    let policy = try GuardPolicy(labels: labels, unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed, heads: heads)
    let safe = policy.probabilities(logits: [3, -3, 0, 0, 0, 4, 4, 4][...])        // every category high, not flagged
    let notFlagged = policy.verdict(windowProbabilities: [safe], threshold: nil, isPair: true, isTruncated: false, tokens: 3)
    #expect(!notFlagged.isFlagged)
    #expect(notFlagged.flaggedCategories.isEmpty)
    #expect(notFlagged.categoryScores["hate"]! > 0.9)
    let weak = policy.probabilities(logits: [-3, 3, 0, 0, 0, -3, -3, -1][...])     // flagged, no category reaches its threshold
    let flagged = policy.verdict(windowProbabilities: [weak], threshold: nil, isPair: true, isTruncated: false, tokens: 3)
    #expect(flagged.flaggedCategories == ["violence"])
}

@Test func outputHeads_promptAloneHasNoResponseComponents() throws {
    let policy = try GuardPolicy(labels: labels, unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed, heads: heads)
    let window = policy.probabilities(logits: [0, 1, 2, 3, 4, 0, 0, 0][...])
    let result = policy.verdict(windowProbabilities: [window], threshold: nil, isPair: false, isTruncated: false, tokens: 3)
    #expect(Set(result.components.keys) == ["prompt_harm"])
}

@Test func outputHeads_aLayoutThatDoesNotMatchTheModelNamesTheFile() {
    #expect {
        try GuardPolicy(labels: Array(labels.prefix(6)), unsafeLabel: "unsafe", threshold: 0.5, failurePolicy: .closed,
                        heads: heads, settingsFile: "/models/x/rampart.json")
    } throws: { error in
        "\(error)".contains("/models/x/rampart.json") && "\(error)".contains("8")
    }
    let badThreshold = OutputHeads(components: [], categories: ["hate"], categoryThresholds: ["hate": 1.5])
    #expect(throws: ScoringError.self) {
        try GuardPolicy(labels: ["safe", "unsafe", "hate"], unsafeLabel: nil, threshold: 0.5, failurePolicy: .closed,
                        heads: badThreshold)
    }
    let unknown = OutputHeads(components: [], categories: ["hate"], categoryThresholds: ["violence": 0.5])
    #expect(throws: ScoringError.self) {
        try GuardPolicy(labels: ["safe", "unsafe", "hate"], unsafeLabel: nil, threshold: 0.5, failurePolicy: .closed,
                        heads: unknown)
    }
}

@Test func outputHeads_decodeFromRampartJSON() throws {
    let json = #"{"max_length": 256, "threshold": 0.9, "heads": {"components": ["prompt_harm"], "categories": ["hate"], "category_thresholds": {"hate": 0.35}}}"#
    let settings = try JSONDecoder().decode(GuardSettings.self, from: Data(json.utf8))
    #expect(settings.heads == OutputHeads(components: ["prompt_harm"], categories: ["hate"], categoryThresholds: ["hate": 0.35]))
}
