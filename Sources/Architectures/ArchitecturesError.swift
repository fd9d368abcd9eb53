/// Errors raised by the model architectures and the loader.
public enum ArchitecturesError: Error, Equatable, CustomStringConvertible {
    /// config.json names a `model_type` no architecture is registered for.
    case unknownModelType(String, file: String, known: [String])
    /// The config is readable but inconsistent for this architecture (e.g. heads do not divide hidden).
    case unsupportedConfig(file: String, detail: String)
    /// The checkpoint lacks what a classifier needs (e.g. a bare BertModel with no classifier head).
    case notAClassifier(location: String, detail: String)
    /// A `TokenBatch` is malformed or exceeds the model's limits.
    case invalidBatch(String)

    public var description: String {
        switch self {
        case let .unknownModelType(type, file, known):
            return "\(file): unknown model_type '\(type)'; supported: \(known.joined(separator: ", "))"
        case let .unsupportedConfig(file, detail):
            return "\(file): unsupported config: \(detail)"
        case let .notAClassifier(location, detail):
            return "\(location): not a sequence classifier: \(detail)"
        case let .invalidBatch(detail):
            return "invalid token batch: \(detail)"
        }
    }
}
