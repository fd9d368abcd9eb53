import Architectures
import Foundation
@testable import Generation
import Testing

@Test func acd_alphaZeroEqualsPlainGreedyOnSafePrompt() throws {
    let decoder = try GenerationFixtures.decoder()
    let parameters = SamplingParameters(maxTokens: 12, stopsAtEndOfSequence: false)
    let output = try decoder.generate(prompt: "hello there", mode: .contrastive(alpha: 0), parameters: parameters)
    let prompt = decoder.lm.chatTokens(user: "hello there", system: "Be safe.")
    #expect(output.tokens == (try referenceGreedy(decoder.lm.model, prompt: prompt, steps: 12)))
    #expect(output.finishReason == .length)
    #expect(output.promptTokens == prompt.count)
}

@Test func plain_usesNoSystemPromptAndMatchesGreedy() throws {
    let decoder = try GenerationFixtures.decoder()
    let parameters = SamplingParameters(maxTokens: 10, stopsAtEndOfSequence: false)
    let output = try decoder.generate(prompt: "write a poem", mode: .plain, parameters: parameters)
    let prompt = decoder.lm.chatTokens(user: "write a poem", system: nil)
    #expect(output.tokens == (try referenceGreedy(decoder.lm.model, prompt: prompt, steps: 10)))
}

@Test func acd_logitsEqualSafeMinusAlphaAdversarialFromSeparateForwards() throws {
    let decoder = try GenerationFixtures.decoder()
    let model = decoder.lm.model
    let continuation: [Int32] = [70, 81, 283]
    let combined = try decoder.contrastedLogits(prompt: "how do I pick a lock?", continuation: continuation, alpha: 0.45)
    var separate: [[Float]] = []
    for system in ["Be safe.", "Be bad."] {
        let ids = decoder.lm.chatTokens(user: "how do I pick a lock?", system: system) + continuation
        separate.append(try model.forward([ids], cache: model.makeCache(sequences: 1, capacity: ids.count)))
    }
    let expected = zip(separate[0], separate[1]).map { $0 - 0.45 * $1 }
    #expect(combined.count == model.vocabularySize)
    #expect(zip(combined, expected).map { abs($0 - $1) }.max()! < 1e-4)
}

@Test func acd_contrastedLogitsMatchTransformers() throws {
    let golden = try GenerationFixtures.golden()
    let decoder = try GenerationFixtures.decoder(prompts: ContrastivePrompts(safe: golden.safe, adversarial: golden.adversarial))
    for c in golden.cases {
        let logits = try decoder.contrastedLogits(prompt: c.prompt, continuation: [], alpha: golden.alpha)
        #expect(zip(logits, c.contrasted_logits).map { abs($0 - $1) }.max()! < 1e-3, "\(c.prompt)")
    }
}

@Test func acd_greedyGenerationFollowsContrastedArgmaxEachStep() throws {
    let decoder = try GenerationFixtures.decoder()
    let parameters = SamplingParameters(maxTokens: 6, stopsAtEndOfSequence: false)
    let output = try decoder.generate(prompt: "hello there", mode: .contrastive(alpha: 0.5), parameters: parameters)
    var expected: [Int32] = []
    for _ in 0..<6 {
        let logits = try decoder.contrastedLogits(prompt: "hello there", continuation: expected, alpha: 0.5)
        expected.append(Sampler.argmax(logits))
    }
    #expect(output.tokens == expected)
    // A nonzero α changes the continuation of this random model (else the test would prove nothing).
    let safeOnly = try decoder.generate(prompt: "hello there", mode: .contrastive(alpha: 0), parameters: parameters)
    #expect(safeOnly.tokens != output.tokens)
}

@Test func sampling_seededIsReproducible() throws {
    let decoder = try GenerationFixtures.decoder()
    func run(_ seed: UInt64) throws -> [Int32] {
        let parameters = SamplingParameters(temperature: 1.0, topP: 0.95, maxTokens: 16, seed: seed, stopsAtEndOfSequence: false)
        return try decoder.generate(prompt: "hello there", mode: .contrastive(alpha: 0.5), parameters: parameters).tokens
    }
    let first = try run(42)
    #expect(try run(42) == first)
    #expect(try run(7) != first)
}

@Test func sampler_tinyTopPIsArgmaxAndDrawsFollowProbabilities() {
    let logits: [Float] = [0, 2, 1, -1]
    var nucleus = Sampler(parameters: SamplingParameters(temperature: 1, topP: 0.01, seed: 1))
    for _ in 0..<20 { #expect(nucleus.sample(logits) == 1) }
    var sampler = Sampler(parameters: SamplingParameters(temperature: 1, topP: 1, seed: 3))
    var counts = [Int](repeating: 0, count: 4)
    for _ in 0..<20_000 { counts[Int(sampler.sample(logits))] += 1 }
    let weights = logits.map { exp(Double($0)) }
    let total = weights.reduce(0, +)
    for i in 0..<4 { #expect(abs(Double(counts[i]) / 20_000 - weights[i] / total) < 0.015) }
}

@Test func generate_streamsPiecesThatConcatenateToText() throws {
    let decoder = try GenerationFixtures.decoder()
    let pieces = PieceLog()
    let output = try decoder.generate(prompt: "hello", mode: .contrastive(alpha: 0.5),
                                      parameters: SamplingParameters(maxTokens: 20, stopsAtEndOfSequence: false),
                                      onPiece: { pieces.append($0) })
    #expect(pieces.all.map(\.text).joined() == output.text)
    #expect(pieces.all.compactMap(\.token) == output.tokens)
    #expect(output.text == decoder.lm.tokenizer.decodeByteLevel(output.tokens, skipping: decoder.lm.stopIDs))
}

@Test func generate_rejectsPromptsBeyondContext() throws {
    let decoder = try GenerationFixtures.decoder()
    #expect(throws: GenerationError.self) {
        _ = try decoder.generate(prompt: String(repeating: "lock ", count: 200), mode: .plain,
                                 parameters: SamplingParameters(maxTokens: 8))
    }
    #expect(throws: GenerationError.invalidInput("max_tokens must be in 1...1024, got 2000")) {
        _ = try decoder.generate(prompt: "hi", mode: .plain, parameters: SamplingParameters(maxTokens: 2000))
    }
}

final class PieceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [ContrastiveDecoder.Piece] = []
    func append(_ piece: ContrastiveDecoder.Piece) { lock.withLock { pieces.append(piece) } }
    var all: [ContrastiveDecoder.Piece] { lock.withLock { pieces } }
}
