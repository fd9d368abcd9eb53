import Foundation
import ModelIO
import Testing
@testable import Architectures

@Suite struct DebertaV2ConfigTests {
    /// A throwaway model directory holding `config` (and optionally a fixture's weights).
    static func directory(config: [String: Any], weightsFrom variant: String? = nil) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("deberta-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: config).write(to: url.appendingPathComponent("config.json"))
        if let variant {
            try FileManager.default.copyItem(
                at: DebertaFixture.root.appendingPathComponent("\(variant)/model.safetensors"),
                to: url.appendingPathComponent("model.safetensors"))
        }
        return url
    }

    static var minimal: [String: Any] { [
        "model_type": "deberta-v2", "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 64, "max_position_embeddings": 64, "vocab_size": 128,
    ] }

    /// A fixture's config.json with `changes` applied.
    static func fixtureConfig(_ variant: String, _ changes: [String: Any]) throws -> [String: Any] {
        let data = try Data(contentsOf: DebertaFixture.root.appendingPathComponent("\(variant)/config.json"))
        var config = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        for (key, value) in changes { config[key] = value }
        return config
    }

    static func load(_ config: [String: Any]) throws -> DebertaV2Config {
        try DebertaV2Config(ModelConfig.load(fromDirectory: directory(config: config)))
    }

    @Test func init_appliesDebertaDefaults() throws {
        let config = try Self.load(Self.minimal)
        #expect(abs(config.layerNormEps - 1e-7) < 1e-12)
        #expect(config.typeVocabSize == 0)
        #expect(config.isPositionBiasedInput)
        #expect(!config.hasRelativeAttention)
        #expect(config.positionAttention.isEmpty)
        #expect(config.scaleFactor == 1)
        #expect(config.maxRelativePositions == 64)
        #expect(config.positionBuckets == -1)
        #expect(config.embeddingSize == 32)
        #expect(config.headSize == 8)
        #expect(config.poolerActivation == .feedForward(.gelu))
    }

    @Test func init_readsLegacyPipeSeparatedPositionAttention() throws {
        var raw = Self.minimal
        raw["pos_att_type"] = "P2C|c2p"
        raw["relative_attention"] = true
        raw["position_buckets"] = 16
        raw["norm_rel_ebd"] = "layer_norm"
        let config = try Self.load(raw)
        #expect(config.positionAttention == [.contentToPosition, .positionToContent])
        #expect(config.scaleFactor == 3)
        #expect(config.attentionSpan == 16)
        #expect(config.normalizesRelativeEmbeddings)
    }

    @Test func init_readsConvolution() throws {
        var raw = Self.minimal
        raw["conv_kernel_size"] = 3
        #expect(try Self.load(raw).convolution == .init(kernelSize: 3, groups: 1, activation: .tanh))
        raw["conv_groups"] = 2
        raw["conv_act"] = "gelu"
        #expect(try Self.load(raw).convolution == .init(kernelSize: 3, groups: 2, activation: .feedForward(.gelu)))
        #expect(try Self.load(Self.minimal).convolution == nil)
    }

    @Test(arguments: [("conv_kernel_size", 4), ("conv_groups", 3)])
    func init_rejectsUnsupportedConvolutionNamingTheKey(key: String, value: Int) throws {
        var raw = Self.minimal
        raw["conv_kernel_size"] = 3
        raw[key] = value
        do {
            _ = try Self.load(raw)
            Issue.record("\(key) \(value) was accepted")
        } catch let error as ArchitecturesError {
            guard case let .unsupportedConfig(file, detail) = error else {
                Issue.record("unexpected error \(error)"); return
            }
            #expect(detail.contains(key))
            #expect(file.hasSuffix("config.json"))
        }
    }

    @Test func init_rejectsInconsistentSizes() throws {
        var heads = Self.minimal
        heads["num_attention_heads"] = 5
        #expect(throws: ArchitecturesError.self) { try Self.load(heads) }
        var pooler = Self.minimal
        pooler["pooler_hidden_size"] = 16
        #expect(throws: ArchitecturesError.self) { try Self.load(pooler) }
        var activation = Self.minimal
        activation["pooler_hidden_act"] = "swish"
        #expect(throws: ArchitecturesError.self) { try Self.load(activation) }
    }

    @Test func load_missingTensorIsNamed() throws {
        // The v3 checkpoint shares the attention key; unsharing it needs pos_key_proj, which it lacks.
        let url = try Self.directory(config: Self.fixtureConfig("v3", ["share_att_key": false]), weightsFrom: "v3")
        do {
            _ = try ModelLoader.loadClassifier(at: url, options: EngineOptions())
            Issue.record("loaded a checkpoint without pos_key_proj")
        } catch let error as ModelIOError {
            #expect(error == .missingTensor(
                tensor: "deberta.encoder.layer.0.attention.self.pos_key_proj.weight", location: url.path))
        }
    }

    @Test func load_reportsUnusedTensors() throws {
        // c2p only: the v2 checkpoint's pos_query_proj tensors go unused (HF would ignore them too).
        let url = try Self.directory(config: Self.fixtureConfig("v2", ["pos_att_type": ["c2p"]]), weightsFrom: "v2")
        let (_, unused) = try ModelLoader.loadClassifierReportingUnused(at: url, options: EngineOptions())
        #expect(unused == [
            "deberta.encoder.layer.0.attention.self.pos_query_proj.bias",
            "deberta.encoder.layer.0.attention.self.pos_query_proj.weight",
            "deberta.encoder.layer.1.attention.self.pos_query_proj.bias",
            "deberta.encoder.layer.1.attention.self.pos_query_proj.weight",
        ])
    }

    @Test func registry_mapsDebertaV2() {
        #expect(ModelLoader.registry["deberta-v2"] is DebertaV2ForSequenceClassification.Type)
    }
}
