import Testing
@testable import Architectures

@Suite struct TokenBatchTests {
    @Test func sequences_padToLongest() {
        let batch = TokenBatch(sequences: [[1, 2, 3], [4]], typeIds: [[0, 0, 1], [0]], padId: 9)
        #expect(batch.batchSize == 2)
        #expect(batch.sequenceLength == 3)
        #expect(batch.ids == [1, 2, 3, 4, 9, 9])
        #expect(batch.typeIds == [0, 0, 1, 0, 0, 0])
        #expect(batch.lengths == [3, 1])
        #expect(batch.tokenCount == 4)
    }

    @Test func validate_rejectsOutOfRangeAndInconsistentBatches() {
        let ok = TokenBatch(sequences: [[1, 2], [3]])
        #expect(throws: Never.self) { try ok.validate(vocabSize: 10, typeVocabSize: 2, maxPositions: 8) }
        #expect(throws: ArchitecturesError.self) { try ok.validate(vocabSize: 3, typeVocabSize: 2, maxPositions: 8) }
        #expect(throws: ArchitecturesError.self) { try ok.validate(vocabSize: 10, typeVocabSize: 2, maxPositions: 1) }
        let badTypes = TokenBatch(sequences: [[1]], typeIds: [[2]])
        #expect(throws: ArchitecturesError.self) { try badTypes.validate(vocabSize: 10, typeVocabSize: 2, maxPositions: 8) }
        let zeroLength = TokenBatch(ids: [1, 2], lengths: [0], batchSize: 1, sequenceLength: 2)
        #expect(throws: ArchitecturesError.self) { try zeroLength.validate(vocabSize: 10, typeVocabSize: 2, maxPositions: 8) }
        let misshapen = TokenBatch(ids: [1, 2, 3], batchSize: 2, sequenceLength: 2)
        #expect(throws: ArchitecturesError.self) { try misshapen.validate(vocabSize: 10, typeVocabSize: 2, maxPositions: 8) }
    }

    @Test func emptyBatch_classifiesToNoLogits() throws {
        let model = try ModelLoader.loadClassifier(at: Fixtures.bert("with-types"), options: EngineOptions())
        #expect(try model.classify(TokenBatch(sequences: [])).isEmpty)
    }
}
