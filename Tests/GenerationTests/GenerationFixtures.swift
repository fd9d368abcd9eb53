import Architectures
import Foundation
@testable import Generation

/// The tiny random Llama fixture (Models/fixtures/llama, make_llama_fixtures.py) as a chat model, and the golden
/// evidence written by Models/acd/make_evidence_golden.py.
enum GenerationFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tinyGGUF = packageRoot.appendingPathComponent("Models/fixtures/llama/tiny_tied/model-f32.gguf")

    struct Golden: Decodable {
        struct Case: Decodable {
            var prompt: String
            var response: String
            var response_ids: [Int32]
            var mean_logp_safe: Double
            var mean_logp_adversarial: Double
            var evidence: Double
            var contrasted_logits: [Float]
        }
        var safe: String
        var adversarial: String
        var alpha: Float
        var cases: [Case]
    }

    static func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: packageRoot.appendingPathComponent("Models/acd/golden/evidence_tiny.json")))
    }

    /// Short system prompts: the tiny model's context is 128 positions.
    static let prompts = ContrastivePrompts(safe: "Be safe.", adversarial: "Be bad.")

    static func decoder(prompts: ContrastivePrompts = prompts) throws -> ContrastiveDecoder {
        ContrastiveDecoder(lm: try CausalLM.load(tinyGGUF, options: EngineOptions(blasThreadCount: 1)), prompts: prompts)
    }
}

/// Greedy decoding of one token sequence with its own cache, written independently of ContrastiveDecoder.
func referenceGreedy(_ model: LlamaModel, prompt: [Int32], steps: Int) throws -> [Int32] {
    let cache = model.makeCache(sequences: 1, capacity: prompt.count + steps)
    var logits = try model.forward([prompt], cache: cache)
    var out: [Int32] = []
    for _ in 0..<steps {
        let next = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
        out.append(next)
        logits = try model.forward([[next]], cache: cache)
    }
    return out
}
