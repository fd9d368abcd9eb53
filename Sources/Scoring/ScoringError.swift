import Foundation

/// Everything that can go wrong while loading a guard model or scoring with it.
///
/// Load errors name the file; request errors say what the caller can change. The HTTP layer maps each case to a
/// status code in one place (GuardService), so nothing here knows about HTTP.
public enum ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A model file (config, weights, tokenizer, rampart.json) is missing or malformed.
    case invalidModel(file: String, reason: String)
    /// The request itself is unusable (empty batch, too many inputs, ...).
    case invalidInput(String)
    /// The queue is full; the caller should retry after the given number of seconds.
    case overloaded(retryAfterSeconds: Int)
    /// The request waited or ran longer than its deadline.
    case timedOut
    /// The client went away before the request was computed; nobody reads this answer.
    case cancelled
    /// The scorer is shutting down or not started.
    case unavailable
    /// The forward pass threw; details are logged, not returned to clients.
    case inferenceFailed(String)

    public var description: String {
        switch self {
        case let .invalidModel(file, reason): return "invalid model file \(file): \(reason)"
        case let .invalidInput(reason): return "invalid input: \(reason)"
        case let .overloaded(seconds): return "scoring queue is full; retry after \(seconds) s"
        case .timedOut: return "scoring timed out"
        case .cancelled: return "client went away"
        case .unavailable: return "scorer is not running"
        case let .inferenceFailed(reason): return "inference failed: \(reason)"
        }
    }
}
