import Foundation

/// Content codings on the wire (RFC 9110 §8.4, §12.5.3): gzip request bodies are decoded before the
/// handler sees them and large compressible responses are gzipped for clients that accept it, on
/// HTTP/1.1 and HTTP/2 alike. Handlers never see a coding.
enum ContentCoding {
    /// Responses smaller than this are sent as they are: gzip's ~20-byte frame would eat the gain.
    static let minimumCompressedSize = 1024

    /// Whether `Accept-Encoding` gives gzip a non-zero weight (RFC 9110 §12.5.3): an explicit
    /// `gzip` / `x-gzip` entry wins over `*`; no header or no match means no.
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        var explicit: Double?
        var wildcard: Double?
        for value in headers.values(named: "Accept-Encoding") {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let first = parts.first else { continue }
                let coding = first.trimmingOWS()
                var weight = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.trimmingOWS().split(separator: "=", maxSplits: 1)
                    if pair.count == 2, HTTPHeaders.namesMatch(pair[0].trimmingOWS(), "q") {
                        // A malformed weight (RFC 9110 §12.4.2 qvalue) counts as 0: never compress by mistake.
                        weight = Double(pair[1].trimmingOWS()).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
                    }
                }
                if HTTPHeaders.namesMatch(coding, "gzip") || HTTPHeaders.namesMatch(coding, "x-gzip") {
                    explicit = max(explicit ?? 0, weight)
                } else if coding == "*" {
                    wildcard = weight
                }
            }
        }
        return (explicit ?? wildcard ?? 0) > 0
    }

    /// Whether a response of this media type gains from compression (text, JSON, XML, JavaScript).
    static func isCompressible(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first.map { $0.trimmingOWS().lowercased() } ?? ""
        return type.hasPrefix("text/") || type == "application/json" || type.hasSuffix("+json")
            || type == "application/javascript" || type == "application/xml" || type.hasSuffix("+xml")
            || type == "application/x-ndjson"
    }

    /// The request with its gzip body decoded (capped at `limit` bytes) and `Content-Encoding`
    /// removed, or the error to answer with: 415 for a coding we do not implement, 413 past the
    /// cap, 400 for a corrupt stream.
    static func decodeRequestBody(
        headers: inout HTTPHeaders, body: inout Data, limit: Int
    ) -> HTTPParseError? {
        let values = headers.values(named: "Content-Encoding")
        guard !values.isEmpty else { return nil }
        // Codings apply in listed order (RFC 9110 §8.4); only gzip and identity are implemented.
        var gzipLayers = 0
        for value in values {
            for element in value.split(separator: ",") {
                let coding = element.trimmingOWS()
                if coding.isEmpty || HTTPHeaders.namesMatch(coding, "identity") { continue }
                guard HTTPHeaders.namesMatch(coding, "gzip") || HTTPHeaders.namesMatch(coding, "x-gzip") else {
                    return HTTPParseError(
                        status: .unsupportedMediaType, code: "unsupported_content_encoding",
                        message: "Content-Encoding '\(coding)' is not supported; use gzip or identity")
                }
                gzipLayers += 1
            }
        }
        // Two layers would let a small body multiply twice; one is all a real client sends.
        guard gzipLayers <= 1 else {
            return HTTPParseError(
                status: .unsupportedMediaType, code: "unsupported_content_encoding",
                message: "only one gzip layer is supported in Content-Encoding")
        }
        headers.remove("Content-Encoding")
        guard gzipLayers == 1 else { return nil }
        do {
            body = try GzipCodec.decompress(body, limit: limit)
        } catch {
            switch error {
            case .exceedsLimit:
                return HTTPParseError(
                    status: .contentTooLarge, code: "content_too_large",
                    message: "decompressed request body exceeds the limit of \(limit) bytes")
            case .corrupt(let reason):
                return HTTPParseError(
                    status: .badRequest, code: "invalid_content_encoding",
                    message: "invalid gzip request body: \(reason)")
            }
        }
        headers["Content-Length"] = String(body.count)
        return nil
    }

    /// The response gzipped when the client accepts gzip and compression pays off; `Vary:
    /// Accept-Encoding` is added whenever the choice depended on that header (RFC 9110 §12.5.5).
    /// Streaming bodies (SSE) are never compressed, so each piece reaches the client at once.
    static func encodeResponse(_ response: HTTPResponse, acceptsGzip: Bool) -> HTTPResponse {
        guard case .bytes(let data) = response.body, data.count >= minimumCompressedSize,
            response.status.code >= 200, response.status.code != 204, response.status.code != 304,
            !response.headers.contains("Content-Encoding"),
            isCompressible(contentType: response.headers["Content-Type"])
        else { return response }
        var encoded = response
        if !encoded.headers.containsToken("Accept-Encoding", inField: "Vary") {
            encoded.headers.add(name: "Vary", value: "Accept-Encoding")
        }
        guard acceptsGzip else { return encoded }
        let compressed = GzipCodec.compress(data)
        guard compressed.count < data.count else { return encoded }
        encoded.headers["Content-Encoding"] = "gzip"
        encoded.body = .bytes(compressed)
        return encoded
    }
}
