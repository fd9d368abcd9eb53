import Foundation
import HTTPServer

/// An upstream's error answer, passed on: its status and, when JSON, its body; anything else is wrapped in
/// Rampart's JSON error shape with the upstream's text (capped) in the message.
enum UpstreamErrorBody {
    static func response(status: Int, body: Data) -> HTTPResponse {
        let httpStatus = HTTPStatus(code: (100 ... 599).contains(status) ? status : 502,
                                    reasonPhrase: UpstreamStatusReason.phrase(status))
        if (try? JSONSerialization.jsonObject(with: body)) is [String: Any] {
            return JSONResponse.make(status: httpStatus, body: body)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self)
        let type = status >= 500 ? "server_error" : "invalid_request_error"
        let object = ["error": ["message": "the upstream answered \(status): \(text)", "type": type, "code": "upstream_error"]]
        // Strings only, so serialization cannot fail; the fallback is the generic 500 body all the same.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
            ?? JSONResponse.internalErrorBody
        return JSONResponse.make(status: httpStatus, body: data)
    }
}

/// Reason phrases for passed-on statuses (clients ignore them; RFC 9112 §4).
enum UpstreamStatusReason {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Upstream Status"
        }
    }
}
