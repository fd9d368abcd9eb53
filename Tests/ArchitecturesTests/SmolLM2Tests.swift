import Architectures
import Foundation
import ModelIO
import Testing
import Tokenizers

/// Real-model checks on SmolLM2-135M-Instruct Q4_1 (Models/fetch-smollm2.sh); goldens from
/// make_llama_fixtures.py (HF tokenizers for ids; transformers on the dequantized GGUF for greedy tokens).
enum SmolLM2 {
    static let file = Fixtures.packageRoot.appendingPathComponent("Models/.downloads/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    static var isPresent: Bool {
        let present = FileManager.default.fileExists(atPath: file.path)
        if !present {
            print("⚠️⚠️⚠️ SKIP SmolLM2 tests: \(file.path) is absent; run Models/fetch-smollm2.sh ⚠️⚠️⚠️")
        }
        return present
    }

    struct Greedy: Decodable { var prompt: String; var ids: [Int32]; var greedy: [Int32] }
}

@Test func smolLM2_tokenizerMatchesHF() throws {
    guard SmolLM2.isPresent else { return }
    let file = try GGUFFile(url: SmolLM2.file)
    let tokenizer = try GGUFTokenizer.make(from: file)
    let cases = try JSONDecoder().decode([BPECase].self, from: Data(contentsOf: LlamaFixture.directory.appendingPathComponent("smollm2_tokens.json")))
    #expect(cases.count >= 500)
    var failures = 0
    for c in cases where tokenizer.tokenize(c.text) != c.ids {
        failures += 1
        if failures <= 5 { Issue.record("\(c.text.debugDescription): got \(tokenizer.tokenize(c.text)), expected \(c.ids)") }
    }
    #expect(failures == 0)
    for c in cases.prefix(200) where !c.text.contains("<|") {
        #expect(tokenizer.decodeByteLevel(c.ids) == c.text)
    }
}

struct BPECase: Decodable { var text: String; var ids: [Int32] }

@Test func smolLM2_greedyMatchesTransformers() throws {
    guard SmolLM2.isPresent else { return }
    let model = try LlamaModel.load(gguf: SmolLM2.file, options: EngineOptions(blasThreadCount: 2))
    #expect(model.config.headCount == 9 && model.config.keyValueHeadCount == 3 && model.config.tieWordEmbeddings)
    let gguf = try #require(model.gguf)
    let tokenizer = try GGUFTokenizer.make(from: gguf)
    let template = try #require(try ChatTemplate(gguf: gguf))
    let goldens = try JSONDecoder().decode([SmolLM2.Greedy].self, from: Data(contentsOf: LlamaFixture.directory.appendingPathComponent("smollm2_greedy.json")))
    for golden in goldens {
        let ids = tokenizer.tokenize(template.render([.init(role: "user", content: golden.prompt)]))
        #expect(ids == golden.ids)
    }
    // All three prompts as one batch of three sequences.
    let got = try greedyBatch(model, prompts: goldens.map(\.ids), steps: 16)
    for (g, golden) in zip(got, goldens) {
        #expect(g == golden.greedy, "\(golden.prompt): \(tokenizer.decodeByteLevel(g).debugDescription) vs \(tokenizer.decodeByteLevel(golden.greedy).debugDescription)")
    }
}

/// Prints greedy decode throughput (batch 1 and batch 2 = the two ACD branches). A measurement, not an
/// assertion; meaningful in release: `swift test -c release --filter smolLM2_decodeThroughput`.
@Test func smolLM2_decodeThroughput() throws {
    guard SmolLM2.isPresent else { return }
    let model = try LlamaModel.load(gguf: SmolLM2.file, options: EngineOptions(blasThreadCount: 2))
    let prompt: [Int32] = [1, 9690, 198, 2683, 359, 253, 5356, 5646, 2, 198, 1, 4093, 198, 19556, 17, 2, 198, 1, 520, 9531, 198]
    for sequences in [1, 2] {
        let steps = 32
        let cache = model.makeCache(sequences: sequences, capacity: prompt.count + steps + 1)
        let prefillStart = DispatchTime.now()
        var logits = try model.forward(Array(repeating: prompt, count: sequences), cache: cache)
        let prefillSeconds = Double(DispatchTime.now().uptimeNanoseconds - prefillStart.uptimeNanoseconds) / 1e9
        let start = DispatchTime.now()
        for _ in 0..<steps {
            let vocab = model.vocabularySize
            let next: [[Int32]] = (0..<sequences).map { s in
                let row = logits[(s * vocab)..<((s + 1) * vocab)]
                return [Int32(row.indices.max { row[$0] < row[$1] }! - s * vocab)]
            }
            logits = try model.forward(next, cache: cache)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print(String(format: "SmolLM2 Q4_1 decode, batch %d: %.1f steps/s, %.1f tokens/s (prefill %d tokens × %d: %.1f tokens/s)",
                     sequences, Double(steps) / seconds, Double(steps * sequences) / seconds,
                     prompt.count, sequences, Double(prompt.count * sequences) / prefillSeconds))
        #expect(cache.lengths == Array(repeating: prompt.count + steps, count: sequences))
    }
}
