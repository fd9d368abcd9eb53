import Foundation
import Generation
import HTTPServer
import Scoring

/// An error that knows its HTTP response. This file is the one place where failures become status codes:
/// `{"error": {"message", "type", "code"}}` bodies, OpenAI-style. Anything that is not an `APIError` or a
/// `ScoringError` becomes a bare 500 whose details stay in the log.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPStatus
    public var type: String
    public var code: String
    public var message: String
    public var headers: [(String, String)] = []

    public init(status: HTTPStatus, type: String, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message
    }

    static func badRequest(_ message: String, code: String = "invalid_json") -> APIError {
        APIError(status: .badRequest, type: "invalid_request_error", code: code, message: message)
    }

    static func unprocessable(_ message: String, code: String = "invalid_value") -> APIError {
        APIError(status: .unprocessableContent, type: "invalid_request_error", code: code, message: message)
    }

    static func notFound(_ path: String) -> APIError {
        APIError(status: .notFound, type: "invalid_request_error", code: "not_found", message: "no route for \(path)")
    }

    static func methodNotAllowed(_ method: HTTPMethod, allowed: [HTTPMethod]) -> APIError {
        // RFC 9110 §15.5.6: a 405 carries Allow.
        APIError(status: .methodNotAllowed, type: "invalid_request_error", code: "method_not_allowed",
                 message: "\(method.rawValue) is not allowed here; use \(allowed.map(\.rawValue).joined(separator: ", "))",
                 headers: [("Allow", allowed.map(\.rawValue).joined(separator: ", "))])
    }

    static let unauthorized = APIError(
        status: .unauthorized, type: "authentication_error", code: "invalid_api_key",
        message: "missing or invalid API key; send Authorization: Bearer <key>",
        headers: [("WWW-Authenticate", "Bearer realm=\"rampart\"")])

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(status: .unsupportedMediaType, type: "invalid_request_error", code: "unsupported_media_type",
                 message: "Content-Type \(contentType) is not supported; send application/json")
    }

    static let notReady = APIError(
        status: .serviceUnavailable, type: "server_error", code: "model_not_ready",
        message: "the model is still loading; retry shortly", headers: [("Retry-After", "1")])

    static let internalError = APIError(
        status: .internalServerError, type: "server_error", code: "internal_error",
        message: "internal error; see the server log")

    /// The response for any failure while handling a request.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ScoringError:
            return from(error)
        case let error as GenerationError:
            return from(error)
        default:
            return internalError
        }
    }

    static func from(_ error: ScoringError) -> APIError {
        switch error {
        case let .invalidInput(reason):
            return unprocessable(reason)
        case let .overloaded(seconds):
            return APIError(status: .tooManyRequests, type: "rate_limit_error", code: "overloaded",
                            message: "the scoring queue is full; retry after \(seconds) s",
                            headers: [("Retry-After", "\(seconds)")])
        case .timedOut:
            return APIError(status: .serviceUnavailable, type: "server_error", code: "timeout",
                            message: "scoring did not finish within the request timeout", headers: [("Retry-After", "1")])
        case .unavailable, .cancelled:
            return APIError(status: .serviceUnavailable, type: "server_error", code: "unavailable",
                            message: "the scorer is shutting down", headers: [("Retry-After", "1")])
        case .invalidModel, .inferenceFailed:
            return internalError
        }
    }

    /// 400, not 422: the request is well-formed and its values are valid; it asks for a capability this server was
    /// started without (`--causal-model`), which no change to the values can fix.
    static func notConfigured(code: String) -> APIError {
        APIError(status: .badRequest, type: "invalid_request_error", code: code,
                 message: "this server has no causal model; start it with --causal-model to use generation and ACD")
    }

    static func from(_ error: GenerationError) -> APIError {
        switch error {
        case let .invalidInput(reason):
            return unprocessable(reason)
        case let .overloaded(seconds):
            return APIError(status: .tooManyRequests, type: "rate_limit_error", code: "overloaded",
                            message: "the generation queue is full; retry after \(seconds) s",
                            headers: [("Retry-After", "\(seconds)")])
        case .timedOut:
            return APIError(status: .serviceUnavailable, type: "server_error", code: "timeout",
                            message: "generation did not finish within the request timeout", headers: [("Retry-After", "1")])
        case .unavailable, .cancelled:
            return APIError(status: .serviceUnavailable, type: "server_error", code: "unavailable",
                            message: "the generator is shutting down", headers: [("Retry-After", "1")])
        case .invalidModel, .inferenceFailed:
            return internalError
        }
    }

    /// `/v1/chat/completions` on a server with neither `--upstream` nor `--causal-model`.
    static let chatNotConfigured = APIError(
        status: .badRequest, type: "invalid_request_error", code: "chat_not_configured",
        message: "this server has no chat model; start it with --upstream URL (proxy) or --causal-model")

    /// The upstream could not be reached, or answered with something that is not a valid OpenAI response (502).
    static func badGateway(_ message: String, code: String = "bad_upstream") -> APIError {
        APIError(status: .badGateway, type: "server_error", code: code, message: message)
    }

    /// The upstream did not connect or went silent for too long (504).
    static func gatewayTimeout(_ message: String) -> APIError {
        APIError(status: .gatewayTimeout, type: "server_error", code: "upstream_timeout", message: message)
    }

    static func from(_ failure: UpstreamFailure) -> APIError {
        switch failure {
        case let .unreachable(reason): return badGateway("the upstream is unreachable: \(reason)", code: "upstream_unreachable")
        case let .timedOut(reason): return gatewayTimeout(reason)
        case .cancelled: return badGateway("the upstream request was cancelled", code: "upstream_cancelled")
        }
    }

    /// The JSON body and headers of this error as an HTTP response.
    func response() -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try JSONResponse.make(status: status, encoding: ErrorBody(error: .init(message: message, type: type, code: code)))
        } catch {
            // Three strings always encode; should that ever change, answer a well-formed 500 rather
            // than an empty object with this error's status.
            return JSONResponse.make(status: .internalServerError, body: JSONResponse.internalErrorBody)
        }
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }

    /// `{"error": {"message", "type", "code"}}` (the OpenAI error shape).
    private struct ErrorBody: Encodable {
        struct Detail: Encodable { var message: String; var type: String; var code: String }
        var error: Detail
    }
}
