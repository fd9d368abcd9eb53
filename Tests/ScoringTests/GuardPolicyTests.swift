import Foundation
import Testing
@testable import Scoring

@Test func guardPolicy_findsTheUnsafeLabelByName() throws {
    #expect(try GuardPolicy.unsafeRule(labels: ["safe", "unsafe"], unsafeLabel: nil) == .label(1))
    #expect(try GuardPolicy.unsafeRule(labels: ["harmful", "benign"], unsafeLabel: nil) == .label(0))
    #expect(try GuardPolicy.unsafeRule(labels: ["not_harmful", "harmful"], unsafeLabel: nil) == .label(1))
    #expect(try GuardPolicy.unsafeRule(labels: ["LABEL_0", "LABEL_1"], unsafeLabel: nil) == .label(1))
    #expect(try GuardPolicy.unsafeRule(labels: ["BENIGN", "INJECTION", "JAILBREAK"], unsafeLabel: nil) == .complementOf(0))
    #expect(try GuardPolicy.unsafeRule(labels: ["a", "b"], unsafeLabel: "A") == .label(0))
    #expect(try GuardPolicy.unsafeRule(labels: ["toxicity"], unsafeLabel: nil) == .sigmoid)
}

@Test func guardPolicy_unknownUnsafeLabelIsAClearError() {
    #expect(throws: ScoringError.self) { try GuardPolicy.unsafeRule(labels: ["safe", "unsafe"], unsafeLabel: "harm") }
}

@Test func guardPolicy_softmaxAndMaximumOverWindows() throws {
    let policy = try GuardPolicy(labels: ["safe", "unsafe"], unsafeLabel: nil, threshold: 0.5, failurePolicy: .closed)
    let low = policy.probabilities(logits: [2, -1][...])
    let high = policy.probabilities(logits: [-1, 3][...])
    #expect(abs(low[0] + low[1] - 1) < 1e-12)
    #expect(abs(high[1] - 1 / (1 + exp(-4.0))) < 1e-12)
    let verdict = policy.verdict(windowProbabilities: [low, high], threshold: nil, isTruncated: false, tokens: 7)
    #expect(abs(verdict.score - high[1]) < 1e-12)
    #expect(verdict.isFlagged)
    #expect(verdict.windows == 2)
    #expect(abs(verdict.labelScores["unsafe"]! - high[1]) < 1e-12)
    let strict = policy.verdict(windowProbabilities: [low, high], threshold: 0.99, isTruncated: false, tokens: 7)
    #expect(!strict.isFlagged)
    #expect(strict.threshold == 0.99)
}

@Test func guardPolicy_nonFiniteScoresFailClosedOrOpenAsConfigured() throws {
    let closed = try GuardPolicy(labels: ["safe", "unsafe"], unsafeLabel: nil, threshold: 0.5, failurePolicy: .closed)
    let nanWindow = closed.probabilities(logits: [.nan, 1][...])
    let failedClosed = closed.verdict(windowProbabilities: [[0.9, 0.1], nanWindow], threshold: nil, isTruncated: false, tokens: 3)
    #expect(failedClosed.isFlagged)
    #expect(failedClosed.isDegraded)
    #expect(failedClosed.score.isFinite)
    let open = try GuardPolicy(labels: ["safe", "unsafe"], unsafeLabel: nil, threshold: 0.5, failurePolicy: .open)
    let failedOpen = open.verdict(windowProbabilities: [[Double.nan]], threshold: nil, isTruncated: false, tokens: 3)
    #expect(!failedOpen.isFlagged)
    #expect(failedOpen.isDegraded)
}

@Test func guardPolicy_complementRuleSumsTheHarmClasses() throws {
    let policy = try GuardPolicy(labels: ["BENIGN", "INJECTION", "JAILBREAK"], unsafeLabel: nil, threshold: 0.5,
                                 failurePolicy: .closed)
    #expect(abs(policy.unsafeProbability([0.2, 0.5, 0.3]) - 0.8) < 1e-12)
}

@Test func guardPolicy_pairsUseThePairThresholdUnlessTheRequestOverrides() throws {
    let policy = try GuardPolicy(labels: ["safe", "unsafe"], unsafeLabel: nil, threshold: 0.9, pairThreshold: 0.4,
                                 failurePolicy: .closed)
    let window = [0.5, 0.5]
    let prompt = policy.verdict(windowProbabilities: [window], threshold: nil, isPair: false, isTruncated: false, tokens: 4)
    let pair = policy.verdict(windowProbabilities: [window], threshold: nil, isPair: true, isTruncated: false, tokens: 9)
    #expect(!prompt.isFlagged && prompt.threshold == 0.9)
    #expect(pair.isFlagged && pair.threshold == 0.4)
    let overridden = policy.verdict(windowProbabilities: [window], threshold: 0.6, isPair: true, isTruncated: false, tokens: 9)
    #expect(!overridden.isFlagged && overridden.threshold == 0.6)
    let single = try GuardPolicy(labels: ["safe", "unsafe"], unsafeLabel: nil, threshold: 0.9, failurePolicy: .closed)
    #expect(single.verdict(windowProbabilities: [window], threshold: nil, isPair: true, isTruncated: false, tokens: 9).threshold == 0.9)
}
