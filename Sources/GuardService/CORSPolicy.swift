import Foundation
import HTTPServer

/// Cross-origin access for browser frontends (Fetch standard, "CORS protocol"). Off unless origins are configured.
struct CORSPolicy: Sendable {
    let allowedOrigins: [String]
    static let allowedMethods = "GET, POST, OPTIONS"
    static let allowedHeaders = "authorization, content-type, content-encoding, accept-encoding"

    var isEnabled: Bool { !allowedOrigins.isEmpty }

    /// The value for Access-Control-Allow-Origin, or nil when the origin may not read responses.
    func allowOrigin(for origin: String?) -> String? {
        guard isEnabled, let origin else { return nil }
        if allowedOrigins.contains("*") { return "*" }
        return allowedOrigins.contains(origin) ? origin : nil
    }

    /// Adds the CORS headers of an actual (non-preflight) response.
    func decorate(_ response: inout HTTPResponse, origin: String?) {
        guard let allowed = allowOrigin(for: origin) else { return }
        response.headers.add(name: "Access-Control-Allow-Origin", value: allowed)
        if allowed != "*" { response.headers.add(name: "Vary", value: "Origin") }
    }

    /// Answers a preflight: 204 with the allowed methods and headers, or 403 when the origin is not allowed.
    func preflight(origin: String?) -> HTTPResponse {
        guard let allowed = allowOrigin(for: origin) else {
            return APIError(status: .forbidden, type: "invalid_request_error", code: "cors_origin_not_allowed",
                            message: "origin \(origin ?? "(none)") is not allowed").response()
        }
        var headers = HTTPHeaders()
        headers.add(name: "Access-Control-Allow-Origin", value: allowed)
        if allowed != "*" { headers.add(name: "Vary", value: "Origin") }
        headers.add(name: "Access-Control-Allow-Methods", value: Self.allowedMethods)
        headers.add(name: "Access-Control-Allow-Headers", value: Self.allowedHeaders)
        headers.add(name: "Access-Control-Max-Age", value: "600")
        return HTTPResponse(status: .noContent, headers: headers, body: Data())
    }
}
