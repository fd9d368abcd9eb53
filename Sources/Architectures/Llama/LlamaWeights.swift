import Foundation
import ModelIO
import Tensor

/// The weights of one decoder layer (`LlamaDecoderLayer`). Projections stay in their stored format.
struct LlamaLayerWeights: @unchecked Sendable {
    let attentionNorm: Tensor   // [hidden]        input_layernorm / attn_norm
    let query: QuantizedMatrix  // [heads·headDim, hidden]
    let key: QuantizedMatrix    // [kvHeads·headDim, hidden]
    let value: QuantizedMatrix  // [kvHeads·headDim, hidden]
    let output: QuantizedMatrix // [hidden, heads·headDim]
    let mlpNorm: Tensor         // [hidden]        post_attention_layernorm / ffn_norm
    let gate: QuantizedMatrix   // [intermediate, hidden]
    let up: QuantizedMatrix     // [intermediate, hidden]
    let down: QuantizedMatrix   // [hidden, intermediate]
}

/// All weights of a `LlamaForCausalLM`, bound from GGUF (llama.cpp tensor names) or safetensors (HF names).
struct LlamaWeights: @unchecked Sendable {
    let embedding: QuantizedMatrix  // [vocab, hidden]
    let layers: [LlamaLayerWeights]
    let finalNorm: Tensor           // [hidden]
    let lmHead: QuantizedMatrix     // [vocab, hidden] (the embedding when tied)

    init(gguf file: GGUFFile, config c: LlamaConfig) throws {
        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> QuantizedMatrix {
            let m = try file.matrix(name)
            guard m.rows == rows, m.columns == columns else {
                throw ModelIOError.shapeMismatch(file: file.path, tensor: name, expected: [rows, columns], actual: [m.rows, m.columns])
            }
            return m
        }
        func vector(_ name: String, _ count: Int) throws -> Tensor {
            let t = try file.dequantized(name)
            guard t.count == count else {
                throw ModelIOError.shapeMismatch(file: file.path, tensor: name, expected: [count], actual: t.shape)
            }
            return t
        }
        try LayerCount.check(c.layerCount, field: "llama.block_count", configFile: file.path,
                             keys: file.tensors.map(\.name), prefix: "blk.", location: file.path)
        let q = c.headCount * c.headDim, kv = c.keyValueDim
        embedding = try matrix("token_embd.weight", c.vocabularySize, c.hiddenSize)
        layers = try (0..<c.layerCount).map { i in
            LlamaLayerWeights(
                attentionNorm: try vector("blk.\(i).attn_norm.weight", c.hiddenSize),
                query: try matrix("blk.\(i).attn_q.weight", q, c.hiddenSize),
                key: try matrix("blk.\(i).attn_k.weight", kv, c.hiddenSize),
                value: try matrix("blk.\(i).attn_v.weight", kv, c.hiddenSize),
                output: try matrix("blk.\(i).attn_output.weight", c.hiddenSize, q),
                mlpNorm: try vector("blk.\(i).ffn_norm.weight", c.hiddenSize),
                gate: try matrix("blk.\(i).ffn_gate.weight", c.intermediateSize, c.hiddenSize),
                up: try matrix("blk.\(i).ffn_up.weight", c.intermediateSize, c.hiddenSize),
                down: try matrix("blk.\(i).ffn_down.weight", c.hiddenSize, c.intermediateSize))
        }
        finalNorm = try vector("output_norm.weight", c.hiddenSize)
        lmHead = c.tieWordEmbeddings ? embedding : try matrix("output.weight", c.vocabularySize, c.hiddenSize)
    }

    /// `configFile` names config.json in errors about its layer count.
    init(store: WeightStore, config c: LlamaConfig, configFile: String) throws {
        func matrix(_ name: String, _ rows: Int, _ columns: Int) throws -> QuantizedMatrix {
            QuantizedMatrix(try store.tensor(name, shape: [rows, columns]))
        }
        try LayerCount.check(c.layerCount, field: "num_hidden_layers", configFile: configFile,
                             keys: store.keys, prefix: "model.layers.", location: store.location)
        let q = c.headCount * c.headDim, kv = c.keyValueDim
        embedding = try matrix("model.embed_tokens.weight", c.vocabularySize, c.hiddenSize)
        layers = try (0..<c.layerCount).map { i in
            let p = "model.layers.\(i)."
            return LlamaLayerWeights(
                attentionNorm: try store.tensor(p + "input_layernorm.weight", shape: [c.hiddenSize]),
                query: try matrix(p + "self_attn.q_proj.weight", q, c.hiddenSize),
                key: try matrix(p + "self_attn.k_proj.weight", kv, c.hiddenSize),
                value: try matrix(p + "self_attn.v_proj.weight", kv, c.hiddenSize),
                output: try matrix(p + "self_attn.o_proj.weight", c.hiddenSize, q),
                mlpNorm: try store.tensor(p + "post_attention_layernorm.weight", shape: [c.hiddenSize]),
                gate: try matrix(p + "mlp.gate_proj.weight", c.intermediateSize, c.hiddenSize),
                up: try matrix(p + "mlp.up_proj.weight", c.intermediateSize, c.hiddenSize),
                down: try matrix(p + "mlp.down_proj.weight", c.hiddenSize, c.intermediateSize))
        }
        finalNorm = try store.tensor("model.norm.weight", shape: [c.hiddenSize])
        // Tied checkpoints usually omit lm_head.weight; when present it equals the embedding anyway.
        lmHead = c.tieWordEmbeddings && !store.contains("lm_head.weight")
            ? embedding : try matrix("lm_head.weight", c.vocabularySize, c.hiddenSize)
    }
}
