import Foundation
import Testing
@testable import Architectures
import ModelIO

/// Rampart's BERT against transformers on the tiny random fixtures (logits within 1e-4, every
/// hidden state within 1e-4, padding positions zero).
@Suite struct BertParityTests {
    static let classifierCases = ["with-types", "no-types", "fp16", "bf16", "sharded"]

    @Test(arguments: classifierCases)
    func classifier_logitsMatchTransformers(name: String) throws {
        let model = try ModelLoader.loadClassifier(at: Fixtures.bert(name), options: EngineOptions(blasThreadCount: 1))
        for batch in try Fixtures.expected(name).batches {
            let logits = try model.classify(batch.tokenBatch)
            let expected = try #require(batch.logits)
            #expect(logits.count == batch.batchSize * model.numLabels)
            #expect(maxAbsDifference(logits, expected) <= 1e-4, "\(name) lengths \(batch.lengths)")
        }
    }

    @Test(arguments: classifierCases + ["bert-model"])
    func hiddenStates_matchTransformersPerLayer(name: String) throws {
        let model = try BertModel.load(at: Fixtures.bert(name), options: EngineOptions(blasThreadCount: 1))
        for batch in try Fixtures.expected(name).batches {
            let output = try model.forward(batch.tokenBatch, collectHiddenStates: true)
            #expect(output.hiddenStates.count == model.config.numHiddenLayers + 1)
            for (layer, (actual, expected)) in zip(output.hiddenStates, batch.hiddenStates).enumerated() {
                #expect(maxAbsDifference(actual, expected) <= 1e-4, "\(name) stage \(layer)")
            }
            #expect(maxAbsDifference(output.lastHiddenState, batch.hiddenStates.last!) <= 1e-4)
            let pooled = try model.meanPooledEmbeddings(batch.tokenBatch)
            #expect(maxAbsDifference(pooled, batch.meanPooled) <= 1e-4)
        }
    }

    @Test func classifier_labelsComeFromConfig() throws {
        let model = try ModelLoader.loadClassifier(at: Fixtures.bert("with-types"), options: EngineOptions())
        #expect(model.labels == ["safe", "unsafe", "controversial"])
        #expect(model.numLabels == 3)
        #expect(model.maxPositions == 40)
        let defaults = try ModelLoader.loadClassifier(at: Fixtures.bert("fp16"), options: EngineOptions())
        #expect(defaults.labels == ["LABEL_0", "LABEL_1"])
    }

    @Test func paddedBatch_matchesSequencesRunAlone() throws {
        // Packing must not leak between sequences: each row of a padded batch scores as if alone.
        let model = try ModelLoader.loadClassifier(at: Fixtures.bert("with-types"), options: EngineOptions())
        let batch = try Fixtures.expected("with-types").batches[0].tokenBatch
        let together = try model.classify(batch)
        for row in 0..<batch.batchSize {
            let start = row * batch.sequenceLength
            let ids = Array(batch.ids[start..<(start + batch.lengths[row])])
            let types = Array(batch.typeIds[start..<(start + batch.lengths[row])])
            let alone = try model.classify(TokenBatch(sequences: [ids], typeIds: [types]))
            #expect(maxAbsDifference(alone, Array(together[(row * 3)..<(row * 3 + 3)])) <= 1e-5)
        }
    }

    @Test func firstTokensOnly_matchesFullLastLayer() throws {
        // The classifier's last layer runs for the [CLS] rows only; they must equal the full layer's first rows.
        let model = try BertModel.load(at: Fixtures.bert("with-types"), options: EngineOptions(blasThreadCount: 1))
        let h = model.config.hiddenSize
        for batch in try Fixtures.expected("with-types").batches {
            let tokens = batch.tokenBatch
            let full = try model.encode(tokens)
            let fullFirst = full.offsets.flatMap { Array(UnsafeBufferPointer(start: full.hidden + $0 * h, count: h)) }
            let first = try model.encode(tokens, firstTokensOnly: true)
            #expect(first.offsets == Array(0..<tokens.batchSize))
            let firstRows = Array(UnsafeBufferPointer(start: first.hidden, count: tokens.batchSize * h))
            #expect(maxAbsDifference(firstRows, fullFirst) <= 1e-5, "lengths \(tokens.lengths)")
        }
    }

    @Test func feedForwardChunks_matchOneChunk() throws {
        // The FFN runs over row chunks; chunks of 3 rows (splitting sequences) must equal one chunk of all rows.
        let model = try BertModel.load(at: Fixtures.bert("with-types"), options: EngineOptions(blasThreadCount: 1))
        for batch in try Fixtures.expected("with-types").batches {
            let whole = try model.forward(batch.tokenBatch).lastHiddenState
            model.scratch.feedForwardChunkRows = 3
            let chunked = try model.forward(batch.tokenBatch).lastHiddenState
            model.scratch.feedForwardChunkRows = 256
            #expect(batch.tokenBatch.tokenCount > 3)
            #expect(maxAbsDifference(chunked, whole) <= 1e-6)
            #expect(maxAbsDifference(chunked, batch.hiddenStates.last!) <= 1e-4)
        }
    }

    @Test func scratch_isReusedAcrossGrowingAndShrinkingBatches() throws {
        let model = try ModelLoader.loadClassifier(at: Fixtures.bert("no-types"), options: EngineOptions())
        let batches = try Fixtures.expected("no-types").batches
        // small → large → small: results must not depend on leftovers in the scratch memory.
        for batch in [batches[1], batches[0], batches[1], batches[0]] {
            #expect(maxAbsDifference(try model.classify(batch.tokenBatch), batch.logits!) <= 1e-4)
        }
    }

    @Test func typeVocabularyZero_ignoresTypeIds() throws {
        // transformers cannot build type_vocab_size 0 BERT, so derive one: a type-1 model whose
        // single type embedding is folded into the position embeddings must score identically.
        let dir = try Fixtures.copy("no-types")
        let configURL = dir.appendingPathComponent("config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        json["type_vocab_size"] = 0
        try JSONSerialization.data(withJSONObject: json).write(to: configURL)
        let typeKey = "bert.embeddings.token_type_embeddings.weight"
        let original = try WeightStore(directory: Fixtures.bert("no-types"), zeroCopy: false)
        let typeRow = try original.tensor(typeKey, shape: [1, 32]).toArray()
        try rewriteCheckpoint(in: dir) { name, values in
            if name == typeKey { return nil }
            if name == "bert.embeddings.position_embeddings.weight" {
                return values.enumerated().map { $0.element + typeRow[$0.offset % 32] }
            }
            return values
        }
        let (model, unused) = try ModelLoader.loadClassifierReportingUnused(at: dir, options: EngineOptions())
        #expect(unused.isEmpty)
        for batch in try Fixtures.expected("no-types").batches {
            #expect(maxAbsDifference(try model.classify(batch.tokenBatch), batch.logits!) <= 1e-4)
        }
    }
}
