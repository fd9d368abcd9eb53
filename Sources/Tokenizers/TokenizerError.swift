/// Why a `tokenizer.json` could not be loaded. Every case names the file and, where there is one, the component
/// (`normalizer`, `pre_tokenizer`, `model`, `post_processor`, `added_tokens`) and the field at fault.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be read at all.
    case unreadableFile(path: String, reason: String)
    /// The file is not a JSON object.
    case malformedJSON(path: String, reason: String)
    /// A required field is absent.
    case missingField(path: String, component: String, field: String)
    /// A field is present but has the wrong type or an impossible value.
    case invalidField(path: String, component: String, field: String, reason: String)
    /// The component's `type` is one this port does not implement.
    case unsupportedComponent(path: String, component: String, type: String)
    /// A token the component needs (unk, a special token) is not in the vocabulary.
    case missingToken(path: String, component: String, token: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read tokenizer file: \(reason)"
        case let .malformedJSON(path, reason):
            return "\(path): malformed tokenizer.json: \(reason)"
        case let .missingField(path, component, field):
            return "\(path): \(component) is missing field '\(field)'"
        case let .invalidField(path, component, field, reason):
            return "\(path): \(component) field '\(field)' is invalid: \(reason)"
        case let .unsupportedComponent(path, component, type):
            return "\(path): unsupported \(component) type '\(type)'"
        case let .missingToken(path, component, token):
            return "\(path): \(component) needs token '\(token)', which is not in the vocabulary"
        }
    }
}
