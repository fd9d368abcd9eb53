import Foundation
import HTTPServer

/// Cross-origin access for browser frontends (Fetch standard, "CORS protocol"). Off unless origins are configured.
///
/// `decorate` runs once on every response the server writes (from `GuardService.willSend`), so the
/// origin headers are added in exactly one place; `preflight` adds only what is specific to a preflight.
struct CORSPolicy: Sendable {
    let allowedOrigins: [String]
    static let allowedMethods = "GET, POST, OPTIONS"
    static let allowedHeaders = "authorization, content-type, content-encoding, accept-encoding"

    var isEnabled: Bool { !allowedOrigins.isEmpty }
    /// Every origin may read responses ("*"): the answer does not depend on the request's Origin.
    var allowsAnyOrigin: Bool { allowedOrigins.contains("*") }

    /// The value for Access-Control-Allow-Origin, or nil when the origin may not read responses.
    func allowOrigin(for origin: String?) -> String? {
        guard isEnabled, let origin else { return nil }
        if allowsAnyOrigin { return "*" }
        return allowedOrigins.contains(origin) ? origin : nil
    }

    /// Adds the origin headers to any response, preflight or actual. Idempotent: it replaces an
    /// Access-Control-Allow-Origin already present and lists Origin in Vary once.
    ///
    /// With a list of origins, whether Access-Control-Allow-Origin appears depends on the request's
    /// Origin, so every response says `Vary: Origin` — also those to an origin not on the list and
    /// those without one — or a shared cache could serve one origin's answer to another (Fetch
    /// standard §3.2.5 "CORS protocol and HTTP caches").
    func decorate(_ response: inout HTTPResponse, origin: String?) {
        guard isEnabled else { return }
        response.headers.remove("Access-Control-Allow-Origin")
        if let allowed = allowOrigin(for: origin) {
            response.headers.add(name: "Access-Control-Allow-Origin", value: allowed)
        }
        if !allowsAnyOrigin, !response.headers.containsToken("Origin", inField: "Vary") {
            response.headers.add(name: "Vary", value: "Origin")
        }
    }

    /// Answers a preflight: 204 with the allowed methods and headers, or 403 when the origin is not
    /// allowed. The origin headers come from `decorate`, like every other response's.
    func preflight(origin: String?) -> HTTPResponse {
        guard allowOrigin(for: origin) != nil else {
            return APIError(status: .forbidden, type: "invalid_request_error", code: "cors_origin_not_allowed",
                            message: "origin \(origin ?? "(none)") is not allowed").response()
        }
        var headers = HTTPHeaders()
        headers.add(name: "Access-Control-Allow-Methods", value: Self.allowedMethods)
        headers.add(name: "Access-Control-Allow-Headers", value: Self.allowedHeaders)
        headers.add(name: "Access-Control-Max-Age", value: "600")
        return HTTPResponse(status: .noContent, headers: headers, body: Data())
    }
}
