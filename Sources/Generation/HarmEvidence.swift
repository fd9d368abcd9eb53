import Foundation

/// How much more likely a response is under the adversarial persona than under the safeguarding one:
/// `mean_t log p_adv(r_t | ·) − mean_t log p_safe(r_t | ·)` over the response tokens, teacher-forced.
/// Positive: the response reads like what the unrestricted persona would say (compliance with a harmful
/// request); negative: like the responsible persona (a refusal or an ordinary helpful answer).
public struct HarmEvidence: Sendable, Equatable {
    /// Mean per-token log-likelihood difference (nats), adversarial minus safe.
    public var value: Double
    /// `calibration.probability(value)`.
    public var probability: Double
    /// Response tokens scored (after truncation to `maxResponseTokens`).
    public var tokens: Int
    public var isTruncated: Bool

    public init(value: Double, probability: Double, tokens: Int, isTruncated: Bool) {
        self.value = value
        self.probability = probability
        self.tokens = tokens
        self.isTruncated = isTruncated
    }
}

extension ContrastiveDecoder {
    /// Responses longer than this are scored on their first tokens only (bounds the cost of a score request).
    public static let maxResponseTokens = 256

    /// The evidence for one (prompt, response) pair: both branches (prompt under each system prompt, then the
    /// response tokens) in one batched forward over every position. Throws `invalidInput` for an empty response.
    public func evidence(prompt: String, response: String) throws(GenerationError) -> HarmEvidence {
        var branches = Branches(decoder: self, user: prompt, mode: .contrastive(alpha: 1), forceBoth: true)
        let promptLengths = branches.tokens.map(\.count)
        var reply = lm.tokenizer.tokenize(response)
        guard !reply.isEmpty else { throw .invalidInput("response is empty; evidence needs response tokens") }
        let room = lm.model.config.contextLength - branches.virtualTokens - (promptLengths.max() ?? 0)
        guard room > 0 else { throw .invalidInput("prompt alone fills the model context of \(lm.model.config.contextLength)") }
        let limit = min(Self.maxResponseTokens, room)
        let isTruncated = reply.count > limit
        if isTruncated { reply.removeLast(reply.count - limit) }
        branches.tokens = branches.tokens.map { $0 + reply }
        let cache = try branches.makeCache(extra: 0)
        // The logits at position p predict token p+1: response token j sits at virtual + prompt + j and is
        // predicted by the row before it. Those are each branch's last reply.count + 1 positions (the very
        // last predicts past the response and is not read): only they go through the LM head, so the
        // logits are [≤ maxResponseTokens + 1, vocab] per branch whatever the prompt's length.
        let rows = try branches.prefillRows(cache, lastPositions: reply.count + 1)
        let vocab = lm.model.vocabularySize
        var means: [Double] = []
        for logits in rows {
            var total = 0.0
            for (j, token) in reply.enumerated() {
                let base = j * vocab
                total += Self.logSoftmax(logits, base: base, count: vocab, at: Int(token))
            }
            means.append(total / Double(reply.count))
        }
        let value = means[1] - means[0]
        return HarmEvidence(value: value, probability: prompts.calibration.probability(value), tokens: reply.count,
                            isTruncated: isTruncated)
    }

    /// log softmax(row)[index] for the row `logits[base ..< base + count]`, in Double (log-sum-exp, max-shifted).
    static func logSoftmax(_ logits: [Float], base: Int, count: Int, at index: Int) -> Double {
        var top = -Float.infinity
        for i in base..<(base + count) where logits[i] > top { top = logits[i] }
        var sum = 0.0
        for i in base..<(base + count) { sum += exp(Double(logits[i] - top)) }
        return Double(logits[base + index] - top) - log(sum)
    }
}
