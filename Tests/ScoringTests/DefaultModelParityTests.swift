import Architectures
import Foundation
import Testing
import Tokenizers
@testable import Scoring

/// The shipped default model against transformers: golden rows written by the training recipe's export step
/// (Models/fixtures/default-model/golden.jsonl: token ids from HF's tokenizer and P(unsafe) from transformers on the
/// exported fp16 weights loaded as fp32).
private let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let modelDirectory = repositoryRoot.appendingPathComponent("Models/rampart-guard-minilm")

private struct GoldenRow: Decodable {
    var prompt: String
    var response: String?
    var inputIds: [Int32]
    var tokenTypeIds: [Int32]
    var pUnsafe: Double
    var logits: [Float]

    enum CodingKeys: String, CodingKey {
        case prompt, response, logits
        case inputIds = "input_ids"
        case tokenTypeIds = "token_type_ids"
        case pUnsafe = "p_unsafe"
    }
}

private func goldenRows() throws -> [GoldenRow] {
    let url = repositoryRoot.appendingPathComponent("Models/fixtures/default-model/golden.jsonl")
    let text = try String(contentsOf: url, encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(GoldenRow.self, from: Data($0.utf8)) }
}

@Test func defaultModel_tokenizerMatchesTransformers() throws {
    let tokenizer = try Tokenizer(contentsOf: modelDirectory.appendingPathComponent("tokenizer.json"))
    let settings = try GuardSettings.load(fromModelDirectory: modelDirectory)
    for row in try goldenRows() {
        let encoding = tokenizer.encode(row.prompt, pair: row.response, maxLength: settings.maxLength ?? 512)
        #expect(encoding.ids == row.inputIds, "\(row.prompt.prefix(40))")
        #expect(encoding.typeIds == row.tokenTypeIds)
    }
}

@Test func defaultModel_logitsMatchTransformers() throws {
    let model = try ModelLoader.loadClassifier(at: modelDirectory, options: EngineOptions(blasThreadCount: 1))
    #expect(model.labels.prefix(2) == ["safe", "unsafe"])
    let outputs = model.labels.count
    let rows = try goldenRows()
    #expect(rows.count >= 20)
    // One padded batch of every row, as the inference worker would send it.
    let batch = TokenBatch(sequences: rows.map(\.inputIds), typeIds: rows.map(\.tokenTypeIds), padId: 0)
    let logits = try model.classify(batch)
    var worst: Float = 0
    // Every output: the verdict pair and (v5) each component and category head.
    for (index, row) in rows.enumerated() {
        #expect(row.logits.count == outputs)
        for label in 0 ..< min(outputs, row.logits.count) {
            worst = max(worst, abs(logits[index * outputs + label] - row.logits[label]))
        }
    }
    #expect(worst <= 1e-4, "max |Δlogit| = \(worst)")
}

@Test func defaultModel_scorerReproducesTheGoldenProbabilities() throws {
    // Debug builds on a shared machine are slow: a generous deadline, since the point here is the numbers.
    let scorer = try GuardScorer(modelDirectory: modelDirectory,
                                 configuration: ScoringConfiguration(threads: 1, requestTimeout: .seconds(600)))
    defer { scorer.shutdown() }
    let rows = try goldenRows()
    let results = try scorer.scoreAndWait(rows.prefix(16).map { ScoreInput(prompt: $0.prompt, response: $0.response) })
    for (row, result) in zip(rows, results) where result.windows == 1 && !result.isTruncated {
        #expect(abs(result.score - row.pUnsafe) <= 1e-4, "\(row.prompt.prefix(40))")
    }
    #expect(results.contains { $0.windows == 1 })
    // (v5) The default model is multi-head: every result carries its components and category scores.
    if let heads = scorer.heads {
        for (row, result) in zip(rows, results) {
            #expect(Set(result.categoryScores.keys) == Set(heads.categories))
            #expect(result.components["prompt_harm"] != nil)
            #expect((result.components["compliance"] != nil) == (row.response != nil))
        }
    }
}
