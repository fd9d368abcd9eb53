import Architectures
import Foundation
@testable import Generation
import ModelIO
import Testing

@Test func evidence_matchesTransformers() throws {
    let golden = try GenerationFixtures.golden()
    let decoder = try GenerationFixtures.decoder(prompts: ContrastivePrompts(
        safe: golden.safe, adversarial: golden.adversarial, calibration: .init(slope: 2, intercept: -0.1)))
    for c in golden.cases {
        #expect(decoder.lm.tokenizer.tokenize(c.response) == c.response_ids)
        let evidence = try decoder.evidence(prompt: c.prompt, response: c.response)
        #expect(abs(evidence.value - c.evidence) < 1e-4, "\(c.prompt): \(evidence.value) vs \(c.evidence)")
        #expect(evidence.tokens == c.response_ids.count)
        #expect(abs(evidence.probability - 1 / (1 + exp(-(2 * c.evidence - 0.1)))) < 1e-4)
    }
}

@Test func evidence_isAntisymmetricInThePrompts() throws {
    let forward = try GenerationFixtures.decoder()
    let swapped = try GenerationFixtures.decoder(prompts: ContrastivePrompts(safe: "Be bad.", adversarial: "Be safe."))
    let a = try forward.evidence(prompt: "hello there", response: "Roses are red")
    let b = try swapped.evidence(prompt: "hello there", response: "Roses are red")
    #expect(abs(a.value + b.value) < 1e-5)
    #expect(a.value != 0)
    #expect(throws: GenerationError.self) { _ = try forward.evidence(prompt: "hi", response: "") }
}

@Test func softPrompts_areLoadedAndPrependedToBothBranches() throws {
    let lm = try CausalLM.load(GenerationFixtures.tinyGGUF, options: EngineOptions(blasThreadCount: 1))
    let hidden = lm.model.config.hiddenSize
    // Two virtual tokens per branch: the embeddings of real tokens, so the result is checkable by token ids.
    let safeIDs: [Int32] = [70, 81]
    let advIDs: [Int32] = [283, 67]
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("acd-soft-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try writeSafetensors(["safe": (try lm.model.embed(safeIDs), [2, hidden]),
                          "adversarial": (try lm.model.embed(advIDs), [2, hidden])], to: url)
    let soft = try ContrastivePrompts.softPrompts(url, hidden: hidden)
    let decoder = ContrastiveDecoder(lm: lm, prompts: ContrastivePrompts(
        safe: "Be safe.", adversarial: "Be bad.", softSafe: soft.safe, softAdversarial: soft.adversarial))
    let logits = try decoder.contrastedLogits(prompt: "hello", continuation: [], alpha: 0.5)
    var rows: [[Float]] = []
    for (prefix, system) in [(safeIDs, "Be safe."), (advIDs, "Be bad.")] {
        let ids = prefix + lm.chatTokens(user: "hello", system: system)
        rows.append(try lm.model.forward([ids], cache: lm.model.makeCache(sequences: 1, capacity: ids.count)))
    }
    let expected = zip(rows[0], rows[1]).map { $0 - 0.5 * $1 }
    #expect(zip(logits, expected).map { abs($0 - $1) }.max()! < 1e-4)
    #expect(throws: GenerationError.self) { _ = try ContrastivePrompts.softPrompts(url, hidden: hidden + 1) }
}

/// A minimal F32 safetensors writer for the test.
func writeSafetensors(_ tensors: [String: ([Float], [Int])], to url: URL) throws {
    var header: [String: Any] = [:]
    var data = Data()
    for name in tensors.keys.sorted() {
        let (values, shape) = tensors[name]!
        let begin = data.count
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [begin, data.count]]
    }
    var json = try JSONSerialization.data(withJSONObject: header)
    while json.count % 8 != 0 { json.append(0x20) }
    var file = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(data)
    try file.write(to: url)
}
