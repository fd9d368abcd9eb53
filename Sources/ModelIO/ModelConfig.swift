import Foundation

/// The fields of a Hugging Face `config.json` shared by encoder classifiers (BERT, DeBERTa-v2/v3).
///
/// `modelType` selects the architecture (see `ModelLoader` in Architectures). Fields specific to
/// one architecture are read by that architecture with `decode(_:)` from the same file, so this
/// type stays free of model-specific knobs.
public struct ModelConfig: Sendable, Equatable {
    /// `model_type`, e.g. "bert" or "deberta-v2".
    public var modelType: String
    /// `architectures`, e.g. ["BertForSequenceClassification"].
    public var architectures: [String]
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    /// Activation name, e.g. "gelu" (exact erf form) or "gelu_new" (tanh approximation).
    public var hiddenAct: String
    public var maxPositionEmbeddings: Int
    /// Token-type vocabulary size; 0 means the model has no token-type embedding.
    public var typeVocabSize: Int
    public var vocabSize: Int
    public var layerNormEps: Float
    public var padTokenId: Int?
    /// Class labels in index order (from `id2label`); empty when the config has none.
    public var labels: [String]
    /// `problem_type`, e.g. "single_label_classification".
    public var problemType: String?

    /// The file this config was read from ("" when built in code).
    public var sourcePath: String = ""
    /// The raw JSON, for architecture-specific decoding.
    public var rawJSON: Data = Data()

    /// The conventional file name inside a model directory.
    public static let fileName = "config.json"

    /// Reads `config.json` from a model directory.
    public static func load(fromDirectory directory: URL) throws -> ModelConfig {
        try load(from: directory.appendingPathComponent(fileName))
    }

    /// Reads a config file.
    public static func load(from url: URL) throws -> ModelConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelIOError.invalidConfig(file: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
        var config = try decode(ModelConfig.self, from: data, file: url.path)
        config.sourcePath = url.path
        config.rawJSON = data
        return config
    }

    /// Decodes an architecture-specific view of the same config.json (e.g. DeBERTa's
    /// `relative_attention`), with errors naming the file and field.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decode(type, from: rawJSON, file: sourcePath)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ModelIOError.invalidConfig(file: file, detail: "missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelIOError.invalidConfig(file: file, detail: "field '\(field)': \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelIOError.invalidConfig(
                file: file, detail: field.isEmpty ? "not valid JSON" : "field '\(field)': \(context.debugDescription)")
        } catch let error as ModelIOError {
            throw error
        } catch {
            throw ModelIOError.invalidConfig(file: file, detail: "\(error)")
        }
    }
}

extension ModelConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case architectures
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act"
        case maxPositionEmbeddings = "max_position_embeddings"
        case typeVocabSize = "type_vocab_size"
        case vocabSize = "vocab_size"
        case layerNormEps = "layer_norm_eps"
        case padTokenId = "pad_token_id"
        case id2label
        case problemType = "problem_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? []
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        // Defaults are transformers' BertConfig defaults, used only when a field is absent.
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        maxPositionEmbeddings = try c.decode(Int.self, forKey: .maxPositionEmbeddings)
        typeVocabSize = try c.decodeIfPresent(Int.self, forKey: .typeVocabSize) ?? 2
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-12
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        problemType = try c.decodeIfPresent(String.self, forKey: .problemType)
        // id2label keys are stringified indices ("0", "1", ...); order labels by index.
        let id2label = try c.decodeIfPresent([String: String].self, forKey: .id2label) ?? [:]
        var ordered: [(Int, String)] = []
        for (key, label) in id2label {
            guard let index = Int(key), index >= 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .id2label, in: c, debugDescription: "id2label key '\(key)' is not a non-negative integer")
            }
            ordered.append((index, label))
        }
        ordered.sort { $0.0 < $1.0 }
        guard ordered.enumerated().allSatisfy({ $0.offset == $0.element.0 }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .id2label, in: c, debugDescription: "id2label indices are not 0..<\(ordered.count)")
        }
        labels = ordered.map(\.1)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(modelType, forKey: .modelType)
        try c.encode(architectures, forKey: .architectures)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(typeVocabSize, forKey: .typeVocabSize)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(layerNormEps, forKey: .layerNormEps)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encodeIfPresent(problemType, forKey: .problemType)
        let id2label = Dictionary(uniqueKeysWithValues: labels.enumerated().map { (String($0.offset), $0.element) })
        try c.encode(id2label, forKey: .id2label)
    }
}
