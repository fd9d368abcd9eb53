import Glibc

/// Errors of the HTTPServer target. Socket failures carry the failing call and `errno`.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// A socket system call failed: `operation` names it (e.g. `bind 127.0.0.1:8080`).
    case socket(operation: String, errno: Int32)
    /// The host could not be resolved to an address to bind (getaddrinfo's message).
    case invalidAddress(host: String, reason: String)
    /// A configuration value is out of range.
    case invalidConfiguration(field: String, reason: String)
    /// `start()` was called twice, or `run()` before `start()`.
    case invalidState(String)
    /// A stream write after the connection closed or the stream finished.
    case streamClosed
    /// libnghttp2 refused an operation (allocation, or an invalid h2c upgrade).
    case http2(String)

    public var description: String {
        switch self {
        case .socket(let operation, let code):
            return "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .invalidAddress(let host, let reason):
            return "cannot listen on host '\(host)': \(reason)"
        case .invalidConfiguration(let field, let reason):
            return "invalid HTTP server configuration: \(field) \(reason)"
        case .invalidState(let message):
            return message
        case .streamClosed:
            return "write to a closed HTTP body stream (client gone or stream finished)"
        case .http2(let message):
            return "HTTP/2: \(message)"
        }
    }
}
