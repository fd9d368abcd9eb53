import Foundation
import ModelIO
import Tensor
import Testing
@testable import Architectures

/// A golden fixture written by Models/fixtures/make_deberta_fixtures.py: a tiny random
/// DebertaV2ForSequenceClassification, a padded batch, and PyTorch's logits and hidden states.
struct DebertaFixture {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/fixtures/deberta")
    static let variants = ["v3", "v2", "c2p", "three_labels", "v2_conv"]

    let directory: URL
    let batch: TokenBatch
    let expected: SafetensorsFile

    init(_ variant: String) throws {
        directory = Self.root.appendingPathComponent(variant)
        struct Inputs: Decodable {
            var ids: [[Int32]]
            var type_ids: [[Int32]]
            var lengths: [Int]
            var sequence_length: Int
        }
        let inputs = try JSONDecoder().decode(
            Inputs.self, from: Data(contentsOf: directory.appendingPathComponent("inputs.json")))
        batch = TokenBatch(ids: inputs.ids.flatMap { $0 }, typeIds: inputs.type_ids.flatMap { $0 },
                           lengths: inputs.lengths, batchSize: inputs.ids.count,
                           sequenceLength: inputs.sequence_length)
        expected = try SafetensorsFile(url: directory.appendingPathComponent("expected.safetensors"))
    }

    func expectedValues(_ name: String) throws -> [Float] {
        try expected.tensor(named: name, zeroCopy: false).toArray()
    }

    /// max |a − b| over all elements (the arrays must have equal length).
    static func maxError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Row `row` of the batch alone, unpadded.
    func single(_ row: Int) -> TokenBatch {
        let start = row * batch.sequenceLength, length = batch.lengths[row]
        return TokenBatch(ids: Array(batch.ids[start..<start + length]),
                          typeIds: Array(batch.typeIds[start..<start + length]),
                          batchSize: 1, sequenceLength: length)
    }
}


@Suite struct DebertaV2ParityTests {
    @Test(arguments: DebertaFixture.variants)
    func classify_matchesPyTorchLogits(variant: String) throws {
        let fixture = try DebertaFixture(variant)
        let (model, unused) = try ModelLoader.loadClassifierReportingUnused(
            at: fixture.directory, options: EngineOptions(blasThreadCount: 1))
        #expect(model is DebertaV2ForSequenceClassification)
        #expect(unused.isEmpty, "unused checkpoint keys: \(unused)")
        let logits = try model.classify(fixture.batch)
        let expected = try fixture.expectedValues("logits")
        let error = DebertaFixture.maxError(logits, expected)
        #expect(error <= 1e-4, "\(variant): max |Δlogit| = \(error)")
        // The logits must be far from trivial for the comparison to mean anything.
        #expect((expected.map(abs).max() ?? 0) > 0.2)
    }

    @Test(arguments: DebertaFixture.variants)
    func forward_hiddenStatesMatchPyTorch(variant: String) throws {
        let fixture = try DebertaFixture(variant)
        let config = try DebertaV2Config(ModelConfig.load(fromDirectory: fixture.directory))
        let model = try DebertaV2Model(config: config, weights: WeightStore(directory: fixture.directory))
        let output = try model.forward(fixture.batch, collectHiddenStates: true)
        #expect(output.hiddenStates.count == config.numHiddenLayers + 1)
        for (stage, states) in output.hiddenStates.enumerated() {
            // Both sides zero the padding rows, so whole tensors compare.
            let error = DebertaFixture.maxError(states, try fixture.expectedValues("hidden_states.\(stage)"))
            #expect(error <= 1e-4, "\(variant): hidden state \(stage) max |Δ| = \(error)")
        }
        #expect(DebertaFixture.maxError(output.lastHiddenState, try #require(output.hiddenStates.last)) <= 1e-6)
    }

    @Test(arguments: DebertaFixture.variants)
    func classify_paddedRowsMatchSingleSequences(variant: String) throws {
        let fixture = try DebertaFixture(variant)
        let model = try ModelLoader.loadClassifier(at: fixture.directory, options: EngineOptions(blasThreadCount: 1))
        let batched = try model.classify(fixture.batch)
        let labels = model.numLabels
        for row in 0..<fixture.batch.batchSize {
            let alone = try model.classify(fixture.single(row))
            let error = DebertaFixture.maxError(alone, Array(batched[row * labels..<(row + 1) * labels]))
            #expect(error <= 1e-5, "\(variant) row \(row): batched vs alone max |Δ| = \(error)")
        }
    }

    @Test func classify_copiedAndMappedWeightsAgree() throws {
        let fixture = try DebertaFixture("v2")
        let mapped = try ModelLoader.loadClassifier(at: fixture.directory, options: EngineOptions(zeroCopyWeights: true))
        let copied = try ModelLoader.loadClassifier(at: fixture.directory, options: EngineOptions(zeroCopyWeights: false))
        #expect(DebertaFixture.maxError(try mapped.classify(fixture.batch), try copied.classify(fixture.batch)) <= 1e-6)
    }

    @Test func load_labelsComeFromConfig() throws {
        let three = try ModelLoader.loadClassifier(at: DebertaFixture("three_labels").directory, options: EngineOptions())
        #expect(three.numLabels == 3)
        #expect(three.labels == ["safe", "unsafe", "controversial"])
        #expect(three.maxPositions == 64)
        let v3 = try ModelLoader.loadClassifier(at: DebertaFixture("v3").directory, options: EngineOptions())
        #expect(v3.labels == ["SAFE", "UNSAFE"])
        let v2 = try ModelLoader.loadClassifier(at: DebertaFixture("v2").directory, options: EngineOptions())
        #expect(v2.labels == ["LABEL_0", "LABEL_1"])
    }

    @Test func classify_ignoresTypeIdsWithoutTokenTypeEmbeddings() throws {
        // v3 has type_vocab_size 0: a pair's segment-1 ids must neither fail nor change the logits.
        let fixture = try DebertaFixture("v3")
        let model = try ModelLoader.loadClassifier(at: fixture.directory, options: EngineOptions())
        var paired = fixture.batch
        paired.typeIds = paired.typeIds.indices.map { $0 % paired.sequenceLength >= 10 ? 1 : 0 }
        #expect(DebertaFixture.maxError(try model.classify(paired), try model.classify(fixture.batch)) <= 1e-6)
    }

    @Test func classify_rejectsTypeIdsOutsideTheTypeVocabulary() throws {
        // v2 has type_vocab_size 2, so type id 2 is out of range.
        let fixture = try DebertaFixture("v2")
        let model = try ModelLoader.loadClassifier(at: fixture.directory, options: EngineOptions())
        var batch = fixture.batch
        batch.typeIds[0] = 2
        #expect(throws: ArchitecturesError.self) { try model.classify(batch) }
    }

    @Test func classify_rejectsSequencesLongerThanMaxPositions() throws {
        let model = try ModelLoader.loadClassifier(at: DebertaFixture("v3").directory, options: EngineOptions())
        let batch = TokenBatch(sequences: [[Int32](repeating: 5, count: 65)])
        #expect(throws: ArchitecturesError.self) { try model.classify(batch) }
    }
}
