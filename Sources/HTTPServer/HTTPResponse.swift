import Foundation

/// A response for the server to write. The server adds `Date`, `Server`, `Content-Length` (or
/// `Transfer-Encoding: chunked` for a stream) and `Connection` itself; handler values for the
/// framing headers are ignored.
public struct HTTPResponse: Sendable {
    /// The content of a response.
    public enum Body: Sendable {
        /// A complete body, sent with `Content-Length`.
        case bytes(Data)
        /// A body pushed piece by piece, sent with chunked transfer coding (RFC 9112 §7.1).
        case stream(HTTPBodyStream)
    }

    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body
    /// Facts about the response for the access log (e.g. tokens scored), read by the handler's
    /// `willSend`; never written to the wire.
    public var logMetadata: [String: String] = [:]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), stream: HTTPBodyStream) {
        self.status = status
        self.headers = headers
        self.body = .stream(stream)
    }

    /// The JSON error the server itself sends for protocol errors:
    /// `{"error":{"message":...,"type":...,"code":...}}` with `Content-Type: application/json`.
    static func serverError(status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        let type = status.code >= 500 ? "server_error" : "invalid_request_error"
        let json = #"{"error":{"message":"# + jsonQuoted(message) + #","type":"# + jsonQuoted(type)
            + #","code":"# + jsonQuoted(code) + "}}"
        return HTTPResponse(
            status: status, headers: ["Content-Type": "application/json"], body: Data(json.utf8))
    }

    /// A JSON string literal for `text` (RFC 8259 §7).
    static func jsonQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
