import Foundation
import Testing
@testable import Architectures
import ModelIO

@Suite struct ModelLoaderTests {
    @Test func unknownModelType_namesFileAndType() throws {
        let dir = try Fixtures.copy("with-types")
        let configURL = dir.appendingPathComponent("config.json")
        let text = try String(contentsOf: configURL, encoding: .utf8).replacingOccurrences(of: "\"bert\"", with: "\"mamba\"")
        try Data(text.utf8).write(to: configURL)
        #expect(throws: ArchitecturesError.unknownModelType("mamba", file: configURL.path, known: ModelLoader.registry.keys.sorted())) {
            try ModelLoader.loadClassifier(at: dir, options: EngineOptions())
        }
        #expect("\(ArchitecturesError.unknownModelType("mamba", file: configURL.path, known: ["bert"]))".contains(configURL.path))
    }

    @Test func missingTensor_namesTensor() throws {
        let dir = try Fixtures.copy("with-types")
        let missing = "bert.encoder.layer.1.attention.self.key.weight"
        try rewriteCheckpoint(in: dir) { name, values in name == missing ? nil : values }
        #expect(throws: ModelIOError.missingTensor(tensor: missing, location: dir.path)) {
            try ModelLoader.loadClassifier(at: dir, options: EngineOptions())
        }
    }

    @Test func bareBertModel_isNotAClassifier() {
        #expect {
            try ModelLoader.loadClassifier(at: Fixtures.bert("bert-model"), options: EngineOptions())
        } throws: { error in
            guard case .notAClassifier = error as? ArchitecturesError else { return false }
            return true
        }
    }

    @Test func unusedKeys_areReportedNotFatal() throws {
        let (_, unused) = try ModelLoader.loadClassifierReportingUnused(at: Fixtures.bert("with-types"), options: EngineOptions())
        #expect(unused.isEmpty)
        let miniLM = Fixtures.miniLMDirectory.appendingPathComponent("model.safetensors")
        if FileManager.default.fileExists(atPath: miniLM.path) {
            let weights = try WeightStore(directory: Fixtures.miniLMDirectory)
            _ = try BertModel(config: BertConfig(ModelConfig.load(fromDirectory: Fixtures.miniLMDirectory)), weights: weights, prefix: "")
            // The pooler and the position_ids buffer are not used by the mean-pooling encoder.
            #expect(weights.unusedKeys == ["embeddings.position_ids", "pooler.dense.bias", "pooler.dense.weight"])
        }
    }

    @Test func badActivation_isUnsupportedConfig() throws {
        let dir = try Fixtures.copy("with-types")
        let configURL = dir.appendingPathComponent("config.json")
        let text = try String(contentsOf: configURL, encoding: .utf8).replacingOccurrences(of: "\"gelu\"", with: "\"swish\"")
        try Data(text.utf8).write(to: configURL)
        #expect {
            try ModelLoader.loadClassifier(at: dir, options: EngineOptions())
        } throws: { error in
            guard case let .unsupportedConfig(file, detail) = error as? ArchitecturesError else { return false }
            return file == configURL.path && detail.contains("swish")
        }
    }
}
