import Foundation
import Testing
@testable import Architectures
import ModelIO

/// Regression (issue 14): a config claiming 10¹² layers aborted on a multi-terabyte allocation while
/// the layers were being bound. Every loader now checks the count against the checkpoint first and
/// throws an error naming the config file.
@Suite struct LayerCountTests {
    /// A temporary copy of `fixture` (a directory under Models/fixtures) with `edit` applied to its
    /// config.json; returns the directory and the config's URL.
    func copy(_ fixture: String, editingConfig edit: (inout [String: Any]) -> Void) throws -> (URL, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-layers-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.packageRoot.appendingPathComponent("Models/fixtures/\(fixture)"), to: dir)
        let configURL = dir.appendingPathComponent("config.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: configURL)
        return (dir, configURL)
    }

    func isLayerCountError(_ error: any Error, file: String, field: String = "num_hidden_layers") -> Bool {
        guard case let .unsupportedConfig(errorFile, detail) = error as? ArchitecturesError else { return false }
        return errorFile == file && detail.contains(field) && "\(error)".contains(file)
    }

    @Test func bert_hugeLayerCountIsAnError() throws {
        let (dir, config) = try copy("bert/with-types") { $0["num_hidden_layers"] = 1_000_000_000_000 }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try ModelLoader.loadClassifier(at: dir, options: EngineOptions()) } throws: {
            isLayerCountError($0, file: config.path)
        }
        #expect { try BertModel.load(at: dir) } throws: { isLayerCountError($0, file: config.path) }
    }

    @Test func bert_oneLayerMoreThanTheCheckpointIsAnError() throws {
        let (dir, config) = try copy("bert/with-types") { $0["num_hidden_layers"] = 3 }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try ModelLoader.loadClassifier(at: dir, options: EngineOptions()) } throws: {
            isLayerCountError($0, file: config.path)
        }
    }

    @Test func debertaV2_hugeLayerCountIsAnError() throws {
        let (dir, config) = try copy("deberta/v3") { $0["num_hidden_layers"] = 1_000_000_000_000 }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try ModelLoader.loadClassifier(at: dir, options: EngineOptions()) } throws: {
            isLayerCountError($0, file: config.path)
        }
    }

    @Test func debertaV2_hugePositionCountIsAnError() throws {
        let (dir, config) = try copy("deberta/v3") { $0["max_position_embeddings"] = 1_000_000_000_000 }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try ModelLoader.loadClassifier(at: dir, options: EngineOptions()) } throws: {
            isLayerCountError($0, file: config.path, field: "max_position_embeddings")
        }
    }

    @Test func llama_hugeLayerCountIsAnError() throws {
        let (dir, config) = try copy("llama/tiny_tied") { $0["num_hidden_layers"] = 1_000_000_000_000 }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try LlamaModel.load(directory: dir) } throws: { isLayerCountError($0, file: config.path) }
    }

    @Test func llama_overflowingHeadWidthIsAnError() throws {
        let (dir, config) = try copy("llama/tiny_tied") {
            $0["num_attention_heads"] = 1 << 40
            $0["num_key_value_heads"] = 1 << 40
            $0["head_dim"] = 1 << 40
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect { try LlamaModel.load(directory: dir) } throws: {
            guard case let .unsupportedConfig(file, _) = $0 as? ArchitecturesError else { return false }
            return file == config.path
        }
    }

    @Test func llamaGGUF_hugeBlockCountIsAnError() throws {
        var bytes = try [UInt8](Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Models/fixtures/llama/tiny_tied/model-f32.gguf")))
        let key = Array("llama.block_count".utf8)
        let at = try #require((0..<(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key })
        let type = at + key.count
        #expect(bytes[type..<(type + 4)] == [4, 0, 0, 0])  // GGUF_TYPE_UINT32
        for i in 0..<4 { bytes[type + 4 + i] = 0xFF }        // 2³² − 1 blocks
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-layers-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try LlamaModel.load(gguf: url) } throws: {
            isLayerCountError($0, file: url.path, field: "llama.block_count")
        }
    }

    @Test func indices_readOnlyNumberedLayersUnderThePrefix() {
        let keys = ["bert.encoder.layer.0.a", "bert.encoder.layer.1.b", "bert.encoder.layer.1.c",
                    "bert.encoder.layer.x.d", "bert.encoder.layer.7", "other.encoder.layer.5.e"]
        #expect(LayerCount.indices(in: keys, prefix: "bert.encoder.layer.") == [0, 1])
    }
}
