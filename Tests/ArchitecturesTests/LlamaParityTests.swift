import Architectures
import Foundation
import ModelIO
import Tensor
import Testing

/// Golden logits and greedy continuations from transformers (make_llama_fixtures.py), for tiny random
/// LlamaForCausalLM checkpoints as safetensors and as GGUF (llama.cpp Q/K permutation) in several formats.
enum LlamaFixture {
    static let directory = Fixtures.packageRoot.appendingPathComponent("Models/fixtures/llama")

    struct Variant: Decodable {
        var logits_all_0: [Float]  // [prompts[0].count, vocab]
        var logits_last_1: [Float] // [vocab]
        var greedy: [[Int32]]      // 16 tokens per prompt
    }

    struct Expected: Decodable {
        var prompts: [[Int32]]
        var variants: [String: Variant]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            prompts = try container.decode([[Int32]].self, forKey: AnyKey("prompts"))
            variants = [:]
            for key in container.allKeys where key.stringValue != "prompts" {
                variants[key.stringValue] = try container.decode(Variant.self, forKey: key)
            }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func expected(_ model: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("\(model)/expected.json")))
    }

    /// `quantizedActivations: false` (the default here) is the exact fp32-activation reference that transformers
    /// is compared with at 1e-3; the int8-activation decode path has its own, looser test.
    static func load(_ model: String, _ variant: String, quantizedActivations: Bool = false) throws -> LlamaModel {
        let dir = directory.appendingPathComponent(model)
        let options = EngineOptions(blasThreadCount: 1, quantizedActivations: quantizedActivations)
        if variant == "safetensors" { return try LlamaModel.load(directory: dir, options: options) }
        return try LlamaModel.load(gguf: dir.appendingPathComponent("model-\(variant.lowercased()).gguf"), options: options)
    }
}

/// Greedy decoding of both prompts as one 2-sequence batch (prefill, then one token per sequence per step).
func greedyBatch(_ model: LlamaModel, prompts: [[Int32]], steps: Int) throws -> [[Int32]] {
    let cache = model.makeCache(sequences: prompts.count, capacity: prompts.map(\.count).max()! + steps)
    var next = prompts
    var out = Array(repeating: [Int32](), count: prompts.count)
    for _ in 0..<steps {
        let logits = try model.forward(next, cache: cache)
        let vocab = model.vocabularySize
        next = (0..<prompts.count).map { s in
            let row = logits[(s * vocab)..<((s + 1) * vocab)]
            return [Int32(row.indices.max { row[$0] < row[$1] }! - s * vocab)]
        }
        for s in 0..<prompts.count { out[s].append(next[s][0]) }
    }
    return out
}

@Test(arguments: [("tiny_tied", "safetensors", "F32"), ("tiny_tied", "F32", "F32"), ("tiny_tied", "F16", "F16"),
                  ("tiny_tied", "Q8_0", "Q8_0"), ("tiny_tied", "Q4_1", "Q4_1"),
                  ("tiny_untied", "safetensors", "F32"), ("tiny_untied", "F32", "F32")])
func llama_matchesTransformers(model name: String, variant: String, golden: String) throws {
    let expected = try LlamaFixture.expected(name)
    let want = try #require(expected.variants[golden])
    let model = try LlamaFixture.load(name, variant)
    #expect(model.config.tieWordEmbeddings == (name == "tiny_tied"))
    let tolerance: Float = golden == "F32" ? 1e-4 : 1e-3

    // Every position of prompt 0 (prefill), and prompt 1's last position, in one ragged batch.
    let cache = model.makeCache(sequences: 2, capacity: 64)
    let all = try model.forwardAll(expected.prompts, cache: cache)
    #expect(maxAbsDifference(all[0], want.logits_all_0) <= tolerance)
    let vocab = model.vocabularySize
    #expect(maxAbsDifference(Array(all[1].suffix(vocab)), want.logits_last_1) <= tolerance)
    #expect(cache.lengths == expected.prompts.map(\.count))

    #expect(try greedyBatch(model, prompts: expected.prompts, steps: 16) == want.greedy)
}

@Test(arguments: ["Q8_0", "Q4_1"])
func llama_int8ActivationsStayCloseToTransformers(variant: String) throws {
    guard QuantizedKernels.supportsInt8Activations(.q8_0) else {
        print("⚠️ SKIP int8-activation parity: this CPU has no AVX-512 VNNI")
        return
    }
    // llama.cpp's scheme (activations rounded to int8 per block of 32) moves the logits a little; on this tiny
    // random model (hidden 64) the relative error is ~1e-2, far below the spread of the logits.
    let expected = try LlamaFixture.expected("tiny_tied")
    let want = try #require(expected.variants[variant])
    let model = try LlamaFixture.load("tiny_tied", variant, quantizedActivations: true)
    // Decode steps (one token at a time) take the int8 path; prefill keeps fp32 activations.
    func stepwise(_ model: LlamaModel) throws -> [Float] {
        let cache = model.makeCache(sequences: 1, capacity: 64)
        return try expected.prompts[0].flatMap { try model.forward([[$0]], cache: cache) }
    }
    let logits = try stepwise(model)
    let error = ReferenceKernels.normalisedError(logits, want.logits_all_0)
    #expect(error < 3e-2, "\(variant): normalised error \(error) vs transformers")
    let exact = try stepwise(LlamaFixture.load("tiny_tied", variant))
    #expect(ReferenceKernels.normalisedError(exact, want.logits_all_0) < 1e-4)
    #expect(logits != exact, "the int8 path must actually differ from the fp32-activation reference")
}

@Test func llama_incrementalDecodeMatchesPrefill() throws {
    // Feeding a prompt one token at a time must give the same last logits as one prefill.
    let expected = try LlamaFixture.expected("tiny_tied")
    let model = try LlamaFixture.load("tiny_tied", "Q4_1")
    let prompt = expected.prompts[0]
    let whole = try model.forward([prompt], cache: model.makeCache(sequences: 1, capacity: 32))
    let cache = model.makeCache(sequences: 1, capacity: 32)
    var last: [Float] = []
    for token in prompt { last = try model.forward([[token]], cache: cache) }
    #expect(maxAbsDifference(whole, last) <= 1e-4)
}

@Test func llama_softPromptEmbeddingsMatchTokens() throws {
    let model = try LlamaFixture.load("tiny_untied", "F32")
    let prompt: [Int32] = [1, 40, 41, 42]
    let byTokens = try model.forward([prompt], cache: model.makeCache(sequences: 1, capacity: 8))
    let byEmbeddings = try model.forward(embeddings: [model.embed(prompt)], cache: model.makeCache(sequences: 1, capacity: 8))
    #expect(maxAbsDifference(byTokens, byEmbeddings[0]) <= 1e-6)
}

@Test func llama_rejectsOverflowAndBadTokens() throws {
    let model = try LlamaFixture.load("tiny_tied", "F32")
    let cache = model.makeCache(sequences: 1, capacity: 4)
    #expect(throws: ArchitecturesError.self) { try model.forward([[1, 2, 3, 4, 5]], cache: cache) }
    #expect(throws: ArchitecturesError.self) { try model.forward([[Int32(model.vocabularySize)]], cache: cache) }
    #expect(throws: ArchitecturesError.self) { try model.forward([[1], [2]], cache: cache) }
    #expect(cache.lengths == [0])
}
