import Foundation
import Testing
@testable import Architectures

/// The real all-MiniLM-L6-v2 backbone against transformers' outputs for fixed token ids (golden
/// values from Models/fixtures/make_bert_fixtures.py --minilm). Skipped loudly without the weights
/// (fetch them with Models/fetch-minilm.sh).
@Suite struct MiniLMBackboneTests {
    static var weightsPresent: Bool {
        FileManager.default.fileExists(atPath: Fixtures.miniLMDirectory.appendingPathComponent("model.safetensors").path)
    }

    func loadOrSkip() throws -> (BertModel, Fixtures.MiniLMGolden)? {
        guard Self.weightsPresent else {
            print("SKIP: ******** all-MiniLM-L6-v2 weights not found at \(Fixtures.miniLMDirectory.path); run Models/fetch-minilm.sh to enable the real-backbone parity test ********")
            return nil
        }
        let model = try BertModel.load(at: Fixtures.miniLMDirectory, options: EngineOptions(blasThreadCount: 2))
        let golden = try JSONDecoder().decode(Fixtures.MiniLMGolden.self, from: Data(contentsOf: Fixtures.miniLMGolden))
        return (model, golden)
    }

    @Test func eachSequence_matchesTransformers() throws {
        guard let (model, golden) = try loadOrSkip() else { return }
        #expect(golden.hiddenSize == model.config.hiddenSize)
        for sequence in golden.sequences {
            let batch = TokenBatch(sequences: [sequence.ids], typeIds: [sequence.typeIds])
            let output = try model.forward(batch)
            #expect(maxAbsDifference(output.lastHiddenState, sequence.lastHiddenState) <= 1e-4, "ids \(sequence.ids)")
            #expect(maxAbsDifference(try model.meanPooledEmbeddings(batch), sequence.meanPooled) <= 1e-4)
        }
    }

    @Test func paddedBatch_matchesTransformers() throws {
        guard let (model, golden) = try loadOrSkip() else { return }
        let batch = TokenBatch(sequences: golden.sequences.map(\.ids), typeIds: golden.sequences.map(\.typeIds))
        let pooled = try model.meanPooledEmbeddings(batch)
        let hidden = try model.forward(batch).lastHiddenState
        let h = golden.hiddenSize
        for (row, sequence) in golden.sequences.enumerated() {
            #expect(maxAbsDifference(Array(pooled[(row * h)..<((row + 1) * h)]), sequence.meanPooled) <= 1e-4)
            let start = row * batch.sequenceLength * h
            let real = Array(hidden[start..<(start + sequence.ids.count * h)])
            #expect(maxAbsDifference(real, sequence.lastHiddenState) <= 1e-4, "row \(row)")
        }
    }
}
