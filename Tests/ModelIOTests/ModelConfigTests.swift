import Foundation
import Testing
@testable import ModelIO

@Suite struct ModelConfigTests {
    func write(_ json: String) throws -> URL {
        let dir = try TemporaryDirectory.make()
        let url = dir.appendingPathComponent(ModelConfig.fileName)
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func fixtureConfig_decodesTypedFields() throws {
        let config = try ModelConfig.load(fromDirectory: PackageRoot.fixture("bert/with-types"))
        #expect(config.modelType == "bert")
        #expect(config.hiddenSize == 32)
        #expect(config.numHiddenLayers == 2)
        #expect(config.numAttentionHeads == 4)
        #expect(config.intermediateSize == 64)
        #expect(config.typeVocabSize == 2)
        #expect(config.maxPositionEmbeddings == 40)
        #expect(config.labels == ["safe", "unsafe", "controversial"])
        #expect(abs(config.layerNormEps - 1e-12) < 1e-15)
        #expect(config.sourcePath.hasSuffix("with-types/config.json"))
    }

    @Test func missingField_namesFileAndField() throws {
        let url = try write(#"{"model_type":"bert","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"max_position_embeddings":4,"vocab_size":5}"#)
        #expect(throws: ModelIOError.invalidConfig(file: url.path, detail: "missing field 'intermediate_size'")) {
            try ModelConfig.load(from: url)
        }
    }

    @Test func wrongType_namesField() throws {
        let url = try write(#"{"model_type":"bert","hidden_size":"big","num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":4,"vocab_size":5}"#)
        #expect {
            try ModelConfig.load(from: url)
        } throws: { error in
            guard case let .invalidConfig(file, detail) = error as? ModelIOError else { return false }
            return file == url.path && detail.contains("hidden_size")
        }
    }

    @Test func notJSON_isInvalidConfig() throws {
        let url = try write("model_type = bert")
        #expect(throws: ModelIOError.invalidConfig(file: url.path, detail: "not valid JSON")) {
            try ModelConfig.load(from: url)
        }
    }

    @Test func architectureSpecificFields_decodeFromRawJSON() throws {
        struct Extra: Decodable {
            var relativeAttention: Bool
            enum CodingKeys: String, CodingKey { case relativeAttention = "relative_attention" }
        }
        let url = try write(#"{"model_type":"deberta-v2","hidden_size":8,"num_hidden_layers":1,"num_attention_heads":2,"intermediate_size":4,"max_position_embeddings":4,"vocab_size":5,"relative_attention":true,"type_vocab_size":0}"#)
        let config = try ModelConfig.load(from: url)
        #expect(config.typeVocabSize == 0)
        #expect(try config.decode(Extra.self).relativeAttention)
        #expect(config.labels.isEmpty)
    }

    @Test func roundTripsThroughJSON() throws {
        let config = try ModelConfig.load(fromDirectory: PackageRoot.fixture("bert/with-types"))
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded.labels == config.labels)
        #expect(decoded.hiddenSize == config.hiddenSize)
    }
}
