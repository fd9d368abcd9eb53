import Foundation

/// Turns a window's logits into P(unsafe) and a window set into a verdict.
///
/// The unsafe label comes from `rampart.json`'s `unsafe_label`, else from id2label (a label naming unsafe, harmful,
/// toxic, jailbreak, injection or malicious content), else index 1 (HarmAug: softmax(logits)[1] = unsafe). When the
/// model has more than two labels and one of them names the benign class, P(unsafe) = 1 − P(benign), so that
/// several harm classes (Prompt Guard's INJECTION and JAILBREAK, say) all count.
struct GuardPolicy: Sendable {
    enum UnsafeRule: Sendable, Equatable {
        case label(Int)
        case complementOf(Int)
        case sigmoid
    }

    let labels: [String]
    let rule: UnsafeRule
    let threshold: Double
    /// The threshold for (prompt, response) pairs.
    let pairThreshold: Double
    let failurePolicy: FailurePolicy
    /// (v5) A multi-head model's layout: the verdict is the softmax of the first two outputs only.
    let heads: OutputHeads?

    init(labels: [String], unsafeLabel: String?, threshold: Double, pairThreshold: Double? = nil,
         failurePolicy: FailurePolicy, heads: OutputHeads? = nil, settingsFile: String = "rampart.json") throws {
        self.labels = labels
        self.threshold = threshold
        self.pairThreshold = pairThreshold ?? threshold
        self.failurePolicy = failurePolicy
        self.heads = heads
        if let heads {
            try heads.validate(outputCount: labels.count, file: settingsFile)
            let verdictLabels = Array(labels.prefix(OutputHeads.verdictCount))
            self.rule = try Self.unsafeRule(labels: verdictLabels, unsafeLabel: unsafeLabel)
        } else {
            self.rule = try Self.unsafeRule(labels: labels, unsafeLabel: unsafeLabel)
        }
    }

    static func unsafeRule(labels: [String], unsafeLabel: String?) throws -> UnsafeRule {
        if labels.count == 1 { return .sigmoid }
        if let unsafeLabel {
            guard let index = labels.firstIndex(where: { $0.lowercased() == unsafeLabel.lowercased() }) else {
                throw ScoringError.invalidModel(
                    file: "rampart.json", reason: "unsafe_label \"\(unsafeLabel)\" is not one of \(labels)")
            }
            return .label(index)
        }
        let lowered = labels.map { $0.lowercased() }
        let benignNames: Set = ["safe", "benign", "ok", "negative", "not_harmful", "harmless", "label_0"]
        let harmWords = ["unsafe", "harmful", "toxic", "jailbreak", "injection", "malicious"]
        if labels.count > 2, let benign = lowered.firstIndex(where: { benignNames.contains($0) }) {
            return .complementOf(benign)
        }
        if let index = lowered.firstIndex(where: { name in
            !benignNames.contains(name) && harmWords.contains(where: { name.contains($0) })
        }) {
            return .label(index)
        }
        if labels.count == 2, let benign = lowered.firstIndex(where: { benignNames.contains($0) }) {
            return .label(1 - benign)
        }
        return .label(min(1, labels.count - 1))
    }

    /// Components that only mean something when there is a response.
    static let pairOnlyComponents: Set = ["compliance", "response_harm"]

    /// Softmax (or sigmoid) of one window's logits. Non-finite logits give non-finite probabilities.
    func probabilities(logits: ArraySlice<Float>) -> [Double] {
        if let heads { return heads.probabilities(logits: logits) }
        if rule == .sigmoid {
            let x = Double(logits.first ?? .nan)
            return [1 / (1 + exp(-x))]
        }
        let maxLogit = Double(logits.max() ?? .nan)
        var exps = logits.map { exp(Double($0) - maxLogit) }
        let sum = exps.reduce(0, +)
        for i in exps.indices { exps[i] /= sum }
        return exps
    }

    /// P(unsafe) from one window's probabilities; NaN when they are missing or malformed (a failed pass).
    func unsafeProbability(_ probabilities: [Double]) -> Double {
        switch rule {
        case let .label(index): return probabilities.indices.contains(index) ? probabilities[index] : .nan
        case let .complementOf(index): return probabilities.indices.contains(index) ? 1 - probabilities[index] : .nan
        case .sigmoid: return probabilities.first ?? .nan
        }
    }

    /// The verdict over an input's windows: the maximum P(unsafe), flagged at the threshold (the request's
    /// override, else the pair or the prompt threshold); a non-finite window makes the verdict follow the failure
    /// policy.
    func verdict(windowProbabilities: [[Double]], threshold override: Double?, isPair: Bool = false,
                 isTruncated: Bool, tokens: Int) -> ScoreResult {
        let threshold = override ?? (isPair ? pairThreshold : self.threshold)
        var best = -1.0
        var bestIndex = 0
        var isDegraded = false
        for (index, probabilities) in windowProbabilities.enumerated() {
            let p = unsafeProbability(probabilities)
            guard p.isFinite else { isDegraded = true; continue }
            if p > best { best = p; bestIndex = index }
        }
        if isDegraded || windowProbabilities.isEmpty {
            let flagged = failurePolicy == .closed
            return ScoreResult(score: flagged ? 1 : 0, isFlagged: flagged, threshold: threshold,
                               isTruncated: isTruncated, tokens: tokens, windows: windowProbabilities.count,
                               labelScores: [:], isDegraded: true)
        }
        var labelScores: [String: Double] = [:]
        let winner = windowProbabilities[bestIndex]
        if rule == .sigmoid {
            labelScores[labels.first ?? "unsafe"] = winner[0]
        } else {
            let verdictLabels = heads == nil ? labels : Array(labels.prefix(OutputHeads.verdictCount))
            for (label, p) in zip(verdictLabels, winner) { labelScores[label] = p }
        }
        var result = ScoreResult(score: best, isFlagged: best >= threshold, threshold: threshold,
                                 isTruncated: isTruncated, tokens: tokens, windows: windowProbabilities.count,
                                 labelScores: labelScores)
        if let heads {
            var (components, categories) = heads.read(windowProbabilities: windowProbabilities, decidingWindow: bestIndex)
            if !isPair {  // compliance and response harm describe a response; a prompt alone has none
                components = components.filter { !Self.pairOnlyComponents.contains($0.key) }
            }
            result.components = components
            result.categoryScores = categories
            result.flaggedCategories = heads.flaggedCategories(scores: categories, isFlagged: result.isFlagged)
        }
        return result
    }
}
