import Foundation
import ModelIO
import Tensor

/// The hyper-parameters of a DeBERTa-v2/v3 encoder, validated from a `ModelConfig`
/// (transformers `DebertaV2Config`, model_type "deberta-v2", which DeBERTa-v3 and mDeBERTa-v3 use).
///
/// DeBERTa's defaults differ from BERT's (layer_norm_eps 1e-7, type_vocab_size 0), so every field
/// is re-read here from the raw config.json with the `DebertaV2Config` defaults of
/// configuration_deberta_v2.py.
public struct DebertaV2Config: Sendable, Equatable {
    /// Which disentangled attention terms `pos_att_type` enables.
    public struct PositionAttention: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Content-to-position: query content against relative-position keys.
        public static let contentToPosition = PositionAttention(rawValue: 1)
        /// Position-to-content: relative-position queries against key content.
        public static let positionToContent = PositionAttention(rawValue: 2)
    }

    /// Activations the pooler (`pooler_hidden_act`) and the convolution (`conv_act`) may use: the
    /// feed-forward ones plus tanh.
    public enum HeadActivation: Sendable, Equatable {
        case feedForward(Activation)
        case tanh

        /// Maps an `ACT2FN` name, or nil when unsupported.
        init?(huggingFaceName name: String) {
            if name == "tanh" {
                self = .tanh
            } else if let activation = Activation(huggingFaceName: name) {
                self = .feedForward(activation)
            } else {
                return nil
            }
        }

        /// Applies the activation in place to `count` floats.
        func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
            switch self {
            case .feedForward(let activation): activation.apply(x, count: count)
            case .tanh: Kernels.tanh(x, count: count)
            }
        }
    }

    /// The `ConvLayer` after the first layer (deberta-v2-xlarge/xxlarge: `conv_kernel_size` > 0).
    public struct Convolution: Sendable, Equatable {
        /// `conv_kernel_size` (odd, so the output keeps the sequence length).
        public var kernelSize: Int
        /// `conv_groups` (default 1).
        public var groups: Int
        /// `conv_act` (default tanh).
        public var activation: HeadActivation
    }

    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Per-head width (`attention_head_size`, default hidden / heads).
    public var headSize: Int
    public var intermediateSize: Int
    public var activation: Activation
    public var maxPositionEmbeddings: Int
    /// 0 means no token-type embedding.
    public var typeVocabSize: Int
    public var vocabSize: Int
    /// Width of the embedding tables (`embedding_size`); a projection maps it to `hiddenSize` when they differ.
    public var embeddingSize: Int
    public var layerNormEps: Float
    /// Absolute position embeddings are added to the input (`position_biased_input`, v2: true, v3: false).
    public var isPositionBiasedInput: Bool
    /// Disentangled relative-position attention (`relative_attention`).
    public var hasRelativeAttention: Bool
    /// `pos_att_type`; terms HF ignores (e.g. "p2p") are ignored here too.
    public var positionAttention: PositionAttention
    /// Positional projections reuse query_proj/key_proj (`share_att_key`).
    public var sharesAttentionKey: Bool
    /// `position_buckets`; ≤ 0 means relative distances are not log-bucketed.
    public var positionBuckets: Int
    /// `max_relative_positions`, with values < 1 resolved to `max_position_embeddings` as HF does.
    public var maxRelativePositions: Int
    /// `norm_rel_ebd` contains "layer_norm": the relative embeddings pass through encoder.LayerNorm.
    public var normalizesRelativeEmbeddings: Bool
    public var poolerActivation: HeadActivation
    /// nil when `conv_kernel_size` is absent or 0 (all DeBERTa-v3 models).
    public var convolution: Convolution?
    /// Class labels from `id2label`, in index order (may be empty).
    public var labels: [String]
    /// The config.json path, for error messages.
    public var sourcePath: String

    /// Largest `max_position_embeddings` and relative span accepted (published checkpoints use 512).
    public static let maxSupportedPositions = 1 << 20

    /// Half the number of relative-embedding rows: `position_buckets` when bucketing, else
    /// `max_relative_positions` (modeling_deberta_v2.py: `pos_ebd_size`, `att_span`).
    public var attentionSpan: Int { positionBuckets > 0 ? positionBuckets : maxRelativePositions }

    /// 1 + the number of enabled disentangled terms; attention scores are divided by
    /// √(headSize · scaleFactor) (modeling_deberta_v2.py: `scale_factor`).
    public var scaleFactor: Int {
        1 + (positionAttention.contains(.contentToPosition) ? 1 : 0)
            + (positionAttention.contains(.positionToContent) ? 1 : 0)
    }

    public init(_ config: ModelConfig) throws {
        func unsupported(_ detail: String) -> ArchitecturesError {
            .unsupportedConfig(file: config.sourcePath, detail: detail)
        }
        let raw = try config.decode(RawFields.self)
        let hiddenAct = raw.hiddenAct ?? "gelu"
        guard let activation = Activation(huggingFaceName: hiddenAct) else {
            throw unsupported("hidden_act '\(hiddenAct)' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)")
        }
        let poolerAct = raw.poolerHiddenAct ?? "gelu"
        guard let poolerActivation = HeadActivation(huggingFaceName: poolerAct) else {
            throw unsupported("pooler_hidden_act '\(poolerAct)' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, tanh)")
        }
        self.poolerActivation = poolerActivation
        let heads = config.numAttentionHeads
        guard config.hiddenSize > 0, heads > 0, config.hiddenSize % heads == 0 else {
            throw unsupported("hidden_size \(config.hiddenSize) is not a positive multiple of num_attention_heads \(heads)")
        }
        // DebertaV2SelfOutput.dense is [hidden, hidden], so the heads must tile the hidden size exactly.
        let headSize = raw.attentionHeadSize ?? config.hiddenSize / heads
        guard headSize > 0, headSize.multipliedReportingOverflow(by: heads) == (config.hiddenSize, false) else {
            throw unsupported("attention_head_size \(headSize) × num_attention_heads \(heads) != hidden_size \(config.hiddenSize)")
        }
        let typeVocabSize = raw.typeVocabSize ?? 0
        let embeddingSize = raw.embeddingSize ?? config.hiddenSize
        guard config.numHiddenLayers >= 0, config.intermediateSize > 0, config.vocabSize > 0,
              config.maxPositionEmbeddings > 0, typeVocabSize >= 0, embeddingSize > 0 else {
            throw unsupported("sizes must be positive (layers \(config.numHiddenLayers), intermediate \(config.intermediateSize), vocab \(config.vocabSize), positions \(config.maxPositionEmbeddings), types \(typeVocabSize), embedding_size \(embeddingSize))")
        }
        if let kernel = raw.convKernelSize, kernel > 0 {
            let groups = raw.convGroups ?? 1
            let convAct = raw.convAct ?? "tanh"
            // padding (k − 1) / 2 keeps the length only for odd k; HF's residual add fails otherwise.
            guard kernel % 2 == 1 else {
                throw unsupported("conv_kernel_size \(kernel) must be odd (the convolution must keep the sequence length)")
            }
            guard groups > 0, config.hiddenSize % groups == 0 else {
                throw unsupported("conv_groups \(groups) does not divide hidden_size \(config.hiddenSize)")
            }
            guard let activation = HeadActivation(huggingFaceName: convAct) else {
                throw unsupported("conv_act '\(convAct)' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, tanh)")
            }
            convolution = Convolution(kernelSize: kernel, groups: groups, activation: activation)
        } else {
            convolution = nil
        }
        if let poolerSize = raw.poolerHiddenSize, poolerSize != config.hiddenSize {
            throw unsupported("pooler_hidden_size \(poolerSize) != hidden_size \(config.hiddenSize) (the pooler reads the first token's hidden state)")
        }

        var positionAttention: PositionAttention = []
        for term in raw.posAttType?.terms ?? [] {
            switch term {
            case "c2p": positionAttention.insert(.contentToPosition)
            case "p2c": positionAttention.insert(.positionToContent)
            default: break  // HF's DisentangledSelfAttention ignores other terms (e.g. "p2p").
            }
        }
        let relative = raw.relativeAttention ?? false
        let buckets = raw.positionBuckets ?? -1
        var maxRelative = raw.maxRelativePositions ?? -1
        if maxRelative < 1 { maxRelative = config.maxPositionEmbeddings }
        // make_log_bucket_position divides by log((max_position - 1) / mid): it needs max_position - 1 > mid.
        if relative, buckets > 0, buckets / 2 < 1 || maxRelative - 1 <= buckets / 2 {
            throw unsupported("position_buckets \(buckets) needs max_relative_positions (\(maxRelative)) - 1 > position_buckets / 2 and position_buckets ≥ 2")
        }
        // The relative-position tables are built at load with O(max_position_embeddings) entries and
        // the relative embeddings have 2·span rows: bound both before anything is allocated.
        let span = buckets > 0 ? buckets : maxRelative
        guard config.maxPositionEmbeddings <= Self.maxSupportedPositions, span <= Self.maxSupportedPositions else {
            throw unsupported("max_position_embeddings \(config.maxPositionEmbeddings) / relative span \(span) exceed \(Self.maxSupportedPositions)")
        }
        let normRel = (raw.normRelEbd ?? "none").lowercased().split(separator: "|")
            .map { $0.trimmingCharacters(in: .whitespaces) }

        hiddenSize = config.hiddenSize
        numHiddenLayers = config.numHiddenLayers
        numAttentionHeads = heads
        self.headSize = headSize
        intermediateSize = config.intermediateSize
        self.activation = activation
        maxPositionEmbeddings = config.maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        vocabSize = config.vocabSize
        self.embeddingSize = embeddingSize
        layerNormEps = raw.layerNormEps ?? 1e-7
        isPositionBiasedInput = raw.positionBiasedInput ?? true
        hasRelativeAttention = relative
        self.positionAttention = positionAttention
        sharesAttentionKey = raw.shareAttKey ?? false
        positionBuckets = buckets
        maxRelativePositions = maxRelative
        normalizesRelativeEmbeddings = normRel.contains("layer_norm")
        labels = config.labels
        sourcePath = config.sourcePath
    }

    /// `pos_att_type`: a list (["p2c", "c2p"]) or, in older configs, a string ("p2c|c2p").
    private struct PositionAttentionTerms: Decodable {
        var terms: [String]
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([String].self) {
                terms = list.map { $0.lowercased() }
            } else {
                terms = try container.decode(String.self).lowercased().split(separator: "|")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
    }

    /// The DeBERTa-specific fields of config.json; absent ones take DebertaV2Config's defaults.
    private struct RawFields: Decodable {
        var hiddenAct: String?
        var typeVocabSize: Int?
        var layerNormEps: Float?
        var embeddingSize: Int?
        var attentionHeadSize: Int?
        var relativeAttention: Bool?
        var maxRelativePositions: Int?
        var positionBuckets: Int?
        var positionBiasedInput: Bool?
        var posAttType: PositionAttentionTerms?
        var shareAttKey: Bool?
        var normRelEbd: String?
        var poolerHiddenAct: String?
        var poolerHiddenSize: Int?
        var convKernelSize: Int?
        var convGroups: Int?
        var convAct: String?

        enum CodingKeys: String, CodingKey {
            case hiddenAct = "hidden_act"
            case typeVocabSize = "type_vocab_size"
            case layerNormEps = "layer_norm_eps"
            case embeddingSize = "embedding_size"
            case attentionHeadSize = "attention_head_size"
            case relativeAttention = "relative_attention"
            case maxRelativePositions = "max_relative_positions"
            case positionBuckets = "position_buckets"
            case positionBiasedInput = "position_biased_input"
            case posAttType = "pos_att_type"
            case shareAttKey = "share_att_key"
            case normRelEbd = "norm_rel_ebd"
            case poolerHiddenAct = "pooler_hidden_act"
            case poolerHiddenSize = "pooler_hidden_size"
            case convKernelSize = "conv_kernel_size"
            case convGroups = "conv_groups"
            case convAct = "conv_act"
        }
    }
}
