/// Errors raised while reading model files. Every case names the file (and the tensor or field
/// where there is one) so a bad model directory produces an actionable message.
public enum ModelIOError: Error, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case cannotOpen(file: String, reason: String)
    /// The file ends before the data its header promises.
    case truncated(file: String, detail: String)
    /// The safetensors header (length prefix or JSON) is malformed.
    case invalidHeader(file: String, detail: String)
    /// One tensor's header entry is malformed (bad shape, offsets or size).
    case invalidTensorEntry(file: String, tensor: String, detail: String)
    /// The tensor's dtype cannot be converted to fp32 (or is not a known safetensors dtype).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A tensor the architecture needs is absent from the checkpoint.
    case missingTensor(tensor: String, location: String)
    /// A tensor has a different shape from what the architecture expects.
    case shapeMismatch(file: String, tensor: String, expected: [Int], actual: [Int])
    /// config.json is missing, not JSON, or lacks / mistypes a field.
    case invalidConfig(file: String, detail: String)
    /// model.safetensors.index.json is malformed or points at missing shards or tensors.
    case invalidIndex(file: String, detail: String)
    /// A GGUF file is malformed: bad magic, unsupported version, bad metadata or tensor table.
    case invalidGGUF(file: String, detail: String)
    /// A GGUF tensor uses a ggml type this reader cannot decode.
    case unsupportedGGMLType(file: String, tensor: String, type: String)
    /// A GGUF metadata key is absent or has an unexpected type.
    case invalidMetadata(file: String, key: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            return "\(file): cannot open: \(reason)"
        case let .truncated(file, detail):
            return "\(file): truncated or corrupt: \(detail)"
        case let .invalidHeader(file, detail):
            return "\(file): invalid safetensors header: \(detail)"
        case let .invalidTensorEntry(file, tensor, detail):
            return "\(file): tensor '\(tensor)': \(detail)"
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); expected F32, F16, BF16 or F64"
        case let .missingTensor(tensor, location):
            return "\(location): missing tensor '\(tensor)'"
        case let .shapeMismatch(file, tensor, expected, actual):
            return "\(file): tensor '\(tensor)' has shape \(actual), expected \(expected)"
        case let .invalidConfig(file, detail):
            return "\(file): invalid model config: \(detail)"
        case let .invalidIndex(file, detail):
            return "\(file): invalid safetensors index: \(detail)"
        case let .invalidGGUF(file, detail):
            return "\(file): invalid GGUF file: \(detail)"
        case let .unsupportedGGMLType(file, tensor, type):
            return "\(file): tensor '\(tensor)' has ggml type \(type); supported: F32, F16, Q4_0, Q4_1, Q8_0"
        case let .invalidMetadata(file, key, detail):
            return "\(file): metadata '\(key)': \(detail)"
        }
    }
}
