import Foundation
import ModelIO
import Tensor

/// Hyper-parameters of a Llama-family decoder (transformers `LlamaConfig`; GGUF `llama.*` keys).
public struct LlamaConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var keyValueHeadCount: Int
    public var headDim: Int
    public var vocabularySize: Int
    public var rmsNormEpsilon: Float
    public var ropeTheta: Float
    /// Trained context length (`max_position_embeddings` / `llama.context_length`).
    public var contextLength: Int
    /// Whether the LM head reuses the token embeddings.
    public var tieWordEmbeddings: Bool
    /// Q/K dimension pairing of the checkpoint: GGUF is interleaved, Hugging Face safetensors use halves.
    public var rotaryLayout: Kernels.RotaryLayout

    public init(hiddenSize: Int, intermediateSize: Int, layerCount: Int, headCount: Int, keyValueHeadCount: Int,
                headDim: Int? = nil, vocabularySize: Int, rmsNormEpsilon: Float = 1e-5, ropeTheta: Float = 10_000,
                contextLength: Int = 2048, tieWordEmbeddings: Bool = false, rotaryLayout: Kernels.RotaryLayout = .halves) {
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.keyValueHeadCount = keyValueHeadCount
        self.headDim = headDim ?? hiddenSize / max(headCount, 1)
        self.vocabularySize = vocabularySize
        self.rmsNormEpsilon = rmsNormEpsilon
        self.ropeTheta = ropeTheta
        self.contextLength = contextLength
        self.tieWordEmbeddings = tieWordEmbeddings
        self.rotaryLayout = rotaryLayout
    }

    /// Width of the key/value projections.
    public var keyValueDim: Int { keyValueHeadCount * headDim }

    /// Reads `llama.*` metadata (llama.cpp `LLM_KV_*`); the vocabulary size falls back to the token list.
    public init(gguf file: GGUFFile) throws {
        let arch = try file.string("general.architecture") ?? "llama"
        guard arch == "llama" else {
            throw ArchitecturesError.unsupportedConfig(file: file.path, detail: "general.architecture '\(arch)' is not llama")
        }
        func required(_ key: String) throws -> Int {
            guard let v = try file.int("llama." + key) else {
                throw ModelIOError.invalidMetadata(file: file.path, key: "llama." + key, detail: "missing")
            }
            return v
        }
        let heads = try required("attention.head_count")
        let hidden = try required("embedding_length")
        let vocabulary = try file.int("llama.vocab_size")
            ?? file.metadata["tokenizer.ggml.tokens"]?.array?.count
            ?? file.info("token_embd.weight")?.dimensions.last ?? 0
        self.init(
            hiddenSize: hidden, intermediateSize: try required("feed_forward_length"),
            layerCount: try required("block_count"), headCount: heads,
            keyValueHeadCount: try file.int("llama.attention.head_count_kv") ?? heads,
            headDim: try file.int("llama.attention.key_length") ?? hidden / max(heads, 1),
            vocabularySize: vocabulary,
            rmsNormEpsilon: Float(try file.double("llama.attention.layer_norm_rms_epsilon") ?? 1e-5),
            ropeTheta: Float(try file.double("llama.rope.freq_base") ?? 10_000),
            contextLength: try file.int("llama.context_length") ?? 2048,
            tieWordEmbeddings: file.info("output.weight") == nil, rotaryLayout: .interleaved)
        if let ropeDims = try file.int("llama.rope.dimension_count"), ropeDims != headDim {
            throw ArchitecturesError.unsupportedConfig(
                file: file.path, detail: "partial rotary (rope.dimension_count \(ropeDims) < head dim \(headDim)) is not supported")
        }
        try validate(file: file.path)
    }

    /// Reads a transformers `config.json` (model_type "llama" or a Llama-compatible one such as SmolLM2's).
    public init(configJSON url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelIOError.cannotOpen(file: url.path, reason: error.localizedDescription)
        }
        let raw: JSON
        do { raw = try JSONDecoder().decode(JSON.self, from: data) } catch {
            throw ModelIOError.invalidConfig(file: url.path, detail: "\(error)")
        }
        // Linear/YaRN/Llama-3 scaling changes the frequencies; refuse rather than run it wrong.
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let scaling = object["rope_scaling"], !(scaling is NSNull) {
            throw ArchitecturesError.unsupportedConfig(file: url.path, detail: "rope_scaling is not supported")
        }
        self.init(hiddenSize: raw.hidden_size, intermediateSize: raw.intermediate_size,
                  layerCount: raw.num_hidden_layers, headCount: raw.num_attention_heads,
                  keyValueHeadCount: raw.num_key_value_heads ?? raw.num_attention_heads, headDim: raw.head_dim,
                  vocabularySize: raw.vocab_size, rmsNormEpsilon: raw.rms_norm_eps ?? 1e-6,
                  ropeTheta: raw.rope_theta ?? 10_000, contextLength: raw.max_position_embeddings ?? 2048,
                  tieWordEmbeddings: raw.tie_word_embeddings ?? false, rotaryLayout: .halves)
        try validate(file: url.path)
    }

    private struct JSON: Decodable {
        var hidden_size: Int
        var intermediate_size: Int
        var num_hidden_layers: Int
        var num_attention_heads: Int
        var num_key_value_heads: Int?
        var head_dim: Int?
        var vocab_size: Int
        var rms_norm_eps: Float?
        var rope_theta: Float?
        var max_position_embeddings: Int?
        var tie_word_embeddings: Bool?
        enum CodingKeys: String, CodingKey {
            case hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, num_key_value_heads,
                 head_dim, vocab_size, rms_norm_eps, rope_theta, max_position_embeddings, tie_word_embeddings
        }
    }

    func validate(file: String) throws {
        guard hiddenSize > 0, layerCount > 0, headCount > 0, keyValueHeadCount > 0, vocabularySize > 0,
              intermediateSize > 0, headDim > 0, headDim % 2 == 0 else {
            throw ArchitecturesError.unsupportedConfig(file: file, detail: "non-positive size or odd head dim in \(self)")
        }
        // Sizes from a file: the projection widths must not overflow (they are checked against the
        // tensors when the weights are bound).
        guard headCount.multipliedReportingOverflow(by: headDim).overflow == false,
              keyValueHeadCount.multipliedReportingOverflow(by: headDim).overflow == false else {
            throw ArchitecturesError.unsupportedConfig(
                file: file, detail: "\(headCount) heads (\(keyValueHeadCount) key/value) of width \(headDim) overflow")
        }
        guard headCount % keyValueHeadCount == 0 else {
            throw ArchitecturesError.unsupportedConfig(
                file: file, detail: "\(headCount) heads are not a multiple of \(keyValueHeadCount) key/value heads")
        }
    }
}
