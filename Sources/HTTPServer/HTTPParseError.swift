/// A protocol error found while reading a request: the status the server answers with, a stable
/// machine-readable code and a message for the client. The connection closes after the answer,
/// since the framing of anything that follows is unknown.
struct HTTPParseError: Error, Equatable, Sendable {
    var status: HTTPStatus
    var code: String
    var message: String

    static func badRequest(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .badRequest, code: "bad_request", message: message)
    }

    static func headersTooLarge(_ message: String) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge, code: "request_header_fields_too_large", message: message)
    }

    static func bodyTooLarge(limit: Int) -> HTTPParseError {
        HTTPParseError(
            status: .contentTooLarge, code: "content_too_large",
            message: "request body exceeds the limit of \(limit) bytes")
    }

    /// The JSON response the server writes for this error.
    var response: HTTPResponse { .serverError(status: status, code: code, message: message) }

    /// The response to a request-body coding error; a 415 lists the codings we accept
    /// (RFC 9110 §15.5.16).
    var codingResponse: HTTPResponse {
        var response = self.response
        if status == .unsupportedMediaType { response.headers["Accept-Encoding"] = "gzip, identity" }
        return response
    }
}
