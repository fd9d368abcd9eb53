import ModelIO

/// The hyper-parameters the BERT forward pass uses, validated from a `ModelConfig`
/// (transformers `BertConfig`).
public struct BertConfig: Sendable, Equatable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var activation: Activation
    public var maxPositionEmbeddings: Int
    /// 0 means no token-type embedding (type ids are ignored).
    public var typeVocabSize: Int
    public var vocabSize: Int
    public var layerNormEps: Float
    public var labels: [String]
    /// The config.json path, for error messages.
    public var sourcePath: String

    /// Per-head width (hidden / heads).
    public var headSize: Int { hiddenSize / numAttentionHeads }

    public init(_ config: ModelConfig) throws {
        func unsupported(_ detail: String) -> ArchitecturesError {
            .unsupportedConfig(file: config.sourcePath, detail: detail)
        }
        guard let activation = Activation(huggingFaceName: config.hiddenAct) else {
            throw unsupported("hidden_act '\(config.hiddenAct)' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)")
        }
        guard config.hiddenSize > 0, config.numAttentionHeads > 0,
              config.hiddenSize % config.numAttentionHeads == 0 else {
            throw unsupported("hidden_size \(config.hiddenSize) is not a positive multiple of num_attention_heads \(config.numAttentionHeads)")
        }
        guard config.numHiddenLayers >= 0, config.intermediateSize > 0, config.vocabSize > 0,
              config.maxPositionEmbeddings > 0, config.typeVocabSize >= 0 else {
            throw unsupported("sizes must be positive (layers \(config.numHiddenLayers), intermediate \(config.intermediateSize), vocab \(config.vocabSize), positions \(config.maxPositionEmbeddings), types \(config.typeVocabSize))")
        }
        if let positionType = try? config.decode(PositionEmbeddingType.self).type, positionType != "absolute" {
            throw unsupported("position_embedding_type '\(positionType)' (only 'absolute')")
        }
        hiddenSize = config.hiddenSize
        numHiddenLayers = config.numHiddenLayers
        numAttentionHeads = config.numAttentionHeads
        intermediateSize = config.intermediateSize
        self.activation = activation
        maxPositionEmbeddings = config.maxPositionEmbeddings
        typeVocabSize = config.typeVocabSize
        vocabSize = config.vocabSize
        layerNormEps = config.layerNormEps
        labels = config.labels
        sourcePath = config.sourcePath
    }

    /// `position_embedding_type` (absent means "absolute").
    private struct PositionEmbeddingType: Decodable {
        var type: String?
        enum CodingKeys: String, CodingKey { case type = "position_embedding_type" }
    }
}
