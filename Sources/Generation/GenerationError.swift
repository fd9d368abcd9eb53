/// Everything that can go wrong while loading a causal model or generating with it. Load errors name the file;
/// request errors say what the caller can change. GuardService maps each case to a status code in APIError.swift.
public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A model, prompt, soft-prompt or calibration file is missing or malformed.
    case invalidModel(file: String, reason: String)
    /// The request is unusable (empty prompt, too long for the context, bad parameter).
    case invalidInput(String)
    /// The generation queue is full; retry after the given number of seconds.
    case overloaded(retryAfterSeconds: Int)
    /// The request waited or ran longer than its deadline.
    case timedOut
    /// The client went away; nobody reads this answer.
    case cancelled
    /// The worker is shutting down.
    case unavailable
    /// The forward pass threw; details are logged, not returned to clients.
    case inferenceFailed(String)

    public var description: String {
        switch self {
        case let .invalidModel(file, reason): return "invalid causal model file \(file): \(reason)"
        case let .invalidInput(reason): return "invalid input: \(reason)"
        case let .overloaded(seconds): return "generation queue is full; retry after \(seconds) s"
        case .timedOut: return "generation timed out"
        case .cancelled: return "client went away"
        case .unavailable: return "generator is not running"
        case let .inferenceFailed(reason): return "inference failed: \(reason)"
        }
    }
}
