import Foundation
import Testing
@testable import Architectures
import ModelIO
import Tensor

/// `EngineOptions.precision = .int8` on BERT: the encoder's linears go through the VNNI GEMM and
/// stay close to fp32 (tiny random fixtures; the real MiniLM against transformers' golden output).
@Suite struct BertInt8Tests {
    func cosine(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
        return dot / max((na * nb).squareRoot(), 1e-30)
    }

    @Test func int8Option_quantizesTheEncoderLinearsOnly() throws {
        let model = try BertForSequenceClassification.load(
            config: .load(fromDirectory: Fixtures.bert("with-types")),
            weights: WeightStore(directory: Fixtures.bert("with-types")), options: EngineOptions(precision: .int8))
        let layer = try #require(model.bert.layers.first)
        #expect((layer.qkv.quantized != nil) == CPUFeatures.hasAVX512VNNI)
        #expect((layer.output.quantized != nil) == CPUFeatures.hasAVX512VNNI)
        #expect(model.classifier.quantized == nil)
        if !CPUFeatures.hasAVX512VNNI { print("SKIP BertInt8Tests: no AVX-512 VNNI, int8 runs as fp32") }
    }

    @Test(arguments: ["with-types", "no-types", "fp16"])
    func int8Classifier_staysCloseToFP32(name: String) throws {
        let fp32 = try ModelLoader.loadClassifier(at: Fixtures.bert(name), options: EngineOptions(blasThreadCount: 1))
        let int8 = try ModelLoader.loadClassifier(at: Fixtures.bert(name), options: EngineOptions(blasThreadCount: 1, precision: .int8))
        for batch in try Fixtures.expected(name).batches {
            let reference = try fp32.classify(batch.tokenBatch), quantized = try int8.classify(batch.tokenBatch)
            let scale = reference.map { abs($0) }.max() ?? 1
            #expect(maxAbsDifference(quantized, reference) <= 0.05 * max(scale, 1), "\(name) lengths \(batch.lengths)")
        }
    }

    @Test func miniLMInt8Embeddings_keepCosineAbove099() throws {
        let directory = Fixtures.miniLMDirectory
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path) else {
            print("SKIP: ******** all-MiniLM-L6-v2 weights not found at \(directory.path); run Models/fetch-minilm.sh to enable the int8 accuracy test ********")
            return
        }
        let model = try BertModel.load(at: directory, options: EngineOptions(blasThreadCount: 1, precision: .int8))
        let golden = try JSONDecoder().decode(Fixtures.MiniLMGolden.self, from: Data(contentsOf: Fixtures.miniLMGolden))
        for sequence in golden.sequences {
            let pooled = try model.meanPooledEmbeddings(TokenBatch(sequences: [sequence.ids], typeIds: [sequence.typeIds]))
            let similarity = cosine(pooled[...], sequence.meanPooled[...])
            print("int8 MiniLM cosine vs transformers fp32: \(similarity) (\(sequence.ids.count) tokens)")
            #expect(similarity > 0.99, "ids \(sequence.ids)")
        }
    }
}
