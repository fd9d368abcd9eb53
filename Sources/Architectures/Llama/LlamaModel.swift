import Foundation
import ModelIO
import Tensor

/// A Llama-family causal LM (`LlamaForCausalLM`: SmolLM2, TinyLlama, Llama 2/3 without rope scaling)
/// running a ragged batch of sequences through shared weights with a per-sequence KV cache.
///
/// Not thread-safe: one owner (the generation worker) calls `forward`; scratch buffers are reused.
public final class LlamaModel: @unchecked Sendable {
    public let config: LlamaConfig
    public var vocabularySize: Int { config.vocabularySize }
    let weights: LlamaWeights
    let options: EngineOptions
    /// Keeps the GGUF mapping (and its metadata, e.g. the tokenizer) alive; nil for safetensors.
    public let gguf: GGUFFile?
    let scratch = LlamaScratch()

    init(config: LlamaConfig, weights: LlamaWeights, options: EngineOptions, gguf: GGUFFile?) {
        self.config = config
        self.weights = weights
        self.options = options
        self.gguf = gguf
    }

    /// Loads a GGUF `llama` checkpoint; quantized projections stay quantized in memory (mmap).
    public static func load(gguf url: URL, options: EngineOptions = EngineOptions()) throws -> LlamaModel {
        BLAS.setThreadCount(options.blasThreadCount)
        let file = try GGUFFile(url: url)
        let config = try LlamaConfig(gguf: file)
        return LlamaModel(config: config, weights: try LlamaWeights(gguf: file, config: config), options: options, gguf: file)
    }

    /// Loads a Hugging Face directory (config.json + model.safetensors or a sharded index).
    public static func load(directory: URL, options: EngineOptions = EngineOptions()) throws -> LlamaModel {
        BLAS.setThreadCount(options.blasThreadCount)
        let configURL = directory.appendingPathComponent("config.json")
        let config = try LlamaConfig(configJSON: configURL)
        let store = try WeightStore(directory: directory, zeroCopy: options.zeroCopyWeights)
        let weights = try LlamaWeights(store: store, config: config, configFile: configURL.path)
        return LlamaModel(config: config, weights: weights, options: options, gguf: nil)
    }

    /// A cache for `sequences` sequences of up to `capacity` positions each.
    public func makeCache(sequences: Int, capacity: Int) -> KVCache {
        KVCache(layers: config.layerCount, sequences: sequences, capacity: capacity, keyValueDim: config.keyValueDim)
    }

    /// The input embeddings of `tokens`, [tokens.count · hidden] (to build soft prompts from).
    public func embed(_ tokens: [Int32]) throws -> [Float] {
        try validate(tokens)
        var out = [Float](repeating: 0, count: tokens.count * config.hiddenSize)
        out.withUnsafeMutableBufferPointer { buffer in
            for (i, t) in tokens.enumerated() {
                weights.embedding.dequantizeRow(Int(t), into: buffer.baseAddress! + i * config.hiddenSize)
            }
        }
        return out
    }

    /// Appends `tokens[s]` to sequence s of `cache` (ragged; an empty list leaves it untouched) and returns
    /// the logits of each sequence's last position, [sequences, vocab] flattened. A sequence given no tokens
    /// gets a row of zeros.
    public func forward(_ tokens: [[Int32]], cache: KVCache) throws -> [Float] {
        let inputs = try tokens.map { try embed($0) }
        return try run(inputs, cache: cache, logits: .last).flatMap { $0 }
    }

    /// Like `forward` but returns logits for every appended position: per sequence, [count, vocab] flattened.
    public func forwardAll(_ tokens: [[Int32]], cache: KVCache) throws -> [[Float]] {
        try forward(tokens, cache: cache, lastPositions: .max)
    }

    /// Like `forwardAll` but returns only each sequence's last `count` appended positions' logits,
    /// [min(count, n), vocab] flattened; the final norm and LM head run on those rows only, so scoring a
    /// short continuation after a long prompt costs `count` rows of logits, not prompt + continuation.
    public func forward(_ tokens: [[Int32]], cache: KVCache, lastPositions count: Int) throws -> [[Float]] {
        let inputs = try tokens.map { try embed($0) }
        return try run(inputs, cache: cache, logits: .tail(count))
    }

    /// Appends input embeddings (soft prompts; per sequence [count · hidden]) instead of token ids. Returns, per
    /// sequence, its last position's logits [vocab] (zeros when given nothing), or with `allPositions` every
    /// appended position's, [count, vocab] flattened.
    public func forward(embeddings: [[Float]], cache: KVCache, allPositions: Bool = false) throws -> [[Float]] {
        try forward(embeddings: embeddings, cache: cache, lastPositions: allPositions ? .max : nil)
    }

    /// Appends input embeddings and returns each sequence's last `count` appended positions' logits
    /// ([min(count, n), vocab] flattened), or with `count` nil its last position's [vocab] (zeros when
    /// given nothing). The LM head runs on the returned rows only.
    public func forward(embeddings: [[Float]], cache: KVCache, lastPositions count: Int?) throws -> [[Float]] {
        for (s, e) in embeddings.enumerated() where e.count % config.hiddenSize != 0 {
            throw ArchitecturesError.invalidBatch("sequence \(s): \(e.count) embedding values is not a multiple of hidden size \(config.hiddenSize)")
        }
        return try run(embeddings, cache: cache, logits: count.map { .tail($0) } ?? .last)
    }

    private func validate(_ tokens: [Int32]) throws {
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
            throw ArchitecturesError.invalidBatch("token id \(bad) is outside the vocabulary (0..<\(config.vocabularySize))")
        }
    }
}
