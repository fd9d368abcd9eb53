import Foundation
import Tensor

/// Picks the next token from a row of logits according to `SamplingParameters`. Owns its RNG.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var rng: SplitMix64

    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        self.rng = SplitMix64(seed: parameters.seed)
    }

    /// The chosen token id for `logits` ([vocab]).
    public mutating func sample(_ logits: [Float]) -> Int32 {
        if parameters.temperature == 0 { return Self.argmax(logits) }
        // Softmax at temperature T, max-subtracted for stability; non-finite logits (−inf from masking) get 0.
        let inverse = 1 / parameters.temperature
        let top = logits.max() ?? 0
        var weights = [Double](repeating: 0, count: logits.count)
        var total = 0.0
        for (i, l) in logits.enumerated() where l.isFinite {
            let w = Double(((l - top) * inverse)).exp
            weights[i] = w
            total += w
        }
        guard total > 0, total.isFinite else { return Self.argmax(logits) }
        var order = Array(weights.indices)
        var budget = total
        if parameters.topP < 1 {
            // Nucleus: keep the most likely tokens until their mass reaches top_p (always at least one).
            order.sort { weights[$0] > weights[$1] }
            var kept = 0
            var mass = 0.0
            while kept < order.count {
                mass += weights[order[kept]]
                kept += 1
                if mass >= Double(parameters.topP) * total { break }
            }
            order.removeSubrange(kept...)
            budget = mass
        }
        var draw = rng.nextUnit() * budget
        for i in order {
            draw -= weights[i]
            if draw < 0 { return Int32(i) }
        }
        return Int32(order.last(where: { weights[$0] > 0 }) ?? 0)
    }

    /// Index of the largest logit (the first on ties, as torch.argmax).
    public static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        var value = -Float.infinity
        for (i, l) in logits.enumerated() where l > value {
            value = l
            best = i
        }
        return Int32(best)
    }
}

extension Double {
    fileprivate var exp: Double { Foundation.exp(self) }
}
