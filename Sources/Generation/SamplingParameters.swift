/// How tokens are chosen. Temperature 0 is greedy (argmax, no randomness); otherwise softmax(logits / T)
/// restricted to the smallest set of tokens whose probability reaches `topP` (nucleus sampling,
/// Holtzman et al. 2019), drawn with a `SplitMix64` seeded from `seed`.
public struct SamplingParameters: Sendable, Equatable {
    /// Hard cap on `maxTokens` accepted from clients.
    public static let maxTokensLimit = 1024

    public var temperature: Float
    public var topP: Float
    public var maxTokens: Int
    public var seed: UInt64
    /// Stop at the model's end-of-sequence token or `<|im_end|>` (the token itself is not emitted).
    public var stopsAtEndOfSequence: Bool

    public init(temperature: Float = 0, topP: Float = 1, maxTokens: Int = 128, seed: UInt64 = 0,
                stopsAtEndOfSequence: Bool = true) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.seed = seed
        self.stopsAtEndOfSequence = stopsAtEndOfSequence
    }

    /// Throws `invalidInput` naming the first out-of-range field.
    public func validate() throws(GenerationError) {
        guard temperature.isFinite, temperature >= 0, temperature <= 10 else {
            throw .invalidInput("temperature must be in [0, 10], got \(temperature)")
        }
        guard topP.isFinite, topP > 0, topP <= 1 else { throw .invalidInput("top_p must be in (0, 1], got \(topP)") }
        guard maxTokens >= 1, maxTokens <= Self.maxTokensLimit else {
            throw .invalidInput("max_tokens must be in 1...\(Self.maxTokensLimit), got \(maxTokens)")
        }
    }
}
