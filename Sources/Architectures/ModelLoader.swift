import Foundation
import ModelIO
import Tensor

/// An architecture that can be built from a model directory's config and weights.
public protocol LoadableClassifier: SequenceClassifier {
    /// Builds the model, taking its tensors from `weights` (which reports the unused ones).
    static func load(config: ModelConfig, weights: WeightStore, options: EngineOptions) throws -> Self
}

/// Loads a model directory (config.json + safetensors) into the architecture its `model_type` names.
public enum ModelLoader {
    /// `model_type` → architecture. Adding an architecture is one line here.
    public static let registry: [String: any LoadableClassifier.Type] = [
        "bert": BertForSequenceClassification.self,
        "deberta-v2": DebertaV2ForSequenceClassification.self,
    ]

    /// Loads the sequence classifier in `directory`, configuring OpenBLAS threads from `options`.
    public static func loadClassifier(at directory: URL, options: EngineOptions) throws -> any SequenceClassifier {
        try loadClassifierReportingUnused(at: directory, options: options).classifier
    }

    /// As `loadClassifier`, also returning checkpoint keys the architecture did not use (to log as
    /// warnings).
    public static func loadClassifierReportingUnused(
        at directory: URL, options: EngineOptions
    ) throws -> (classifier: any SequenceClassifier, unusedKeys: [String]) {
        let config = try ModelConfig.load(fromDirectory: directory)
        guard let architecture = registry[config.modelType] else {
            throw ArchitecturesError.unknownModelType(
                config.modelType, file: config.sourcePath, known: registry.keys.sorted())
        }
        BLAS.setThreadCount(options.blasThreadCount)
        let weights = try WeightStore(directory: directory, zeroCopy: options.zeroCopyWeights)
        let classifier = try architecture.load(config: config, weights: weights, options: options)
        return (classifier, weights.unusedKeys)
    }
}
