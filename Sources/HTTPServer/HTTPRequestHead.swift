/// The parsed head of a request: request line, header fields and what they imply for framing and
/// the connection (RFC 9112 §3, §5, §6, §9.3).
struct HTTPRequestHead: Equatable, Sendable {
    /// How the body is delimited (RFC 9112 §6.3).
    enum Framing: Equatable, Sendable {
        case none
        case length(Int)
        case chunked
    }

    var method: HTTPMethod
    var path: String
    var query: String?
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: Framing
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    var isKeepAlive: Bool
    /// `Expect: 100-continue` on an HTTP/1.1 request with content (RFC 9110 §10.1.1).
    var expectsContinue: Bool
}

extension HTTPRequestHead {
    /// Parses a complete head section. `bytes` runs from the request line up to and including the
    /// final empty line; `requestLineLength` excludes its CRLF. Line endings were already checked.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, requestLineLength: Int, maxBodyBytes: Int
    ) throws(HTTPParseError) -> HTTPRequestHead {
        let (method, path, query, version) = try parseRequestLine(
            UnsafeBufferPointer(rebasing: bytes[0..<requestLineLength]))

        var headers = HTTPHeaders()
        var lineStart = requestLineLength + 2
        while lineStart < bytes.count - 2 {
            var lineEnd = lineStart
            while bytes[lineEnd] != ASCII.cr { lineEnd += 1 }
            let field = try parseFieldLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            headers.add(name: field.name, value: field.value)
            lineStart = lineEnd + 2
        }

        // One pass over the fields for everything framing and connection handling need.
        var hostCount = 0, closeRequested = false, keepAliveRequested = false
        var transferEncodings: [String] = [], contentLengths: [String] = [], expectations: [String] = []
        for field in headers {
            switch field.name.utf8.count {
            case 4 where HTTPHeaders.namesMatch(field.name, "Host"):
                hostCount += 1
            case 6 where HTTPHeaders.namesMatch(field.name, "Expect"):
                expectations.append(field.value)
            case 10 where HTTPHeaders.namesMatch(field.name, "Connection"):
                for token in field.value.split(separator: ",") {
                    let token = token.trimmingOWS()
                    if HTTPHeaders.namesMatch(token, "close") { closeRequested = true }
                    if HTTPHeaders.namesMatch(token, "keep-alive") { keepAliveRequested = true }
                }
            case 14 where HTTPHeaders.namesMatch(field.name, "Content-Length"):
                contentLengths.append(field.value)
            case 17 where HTTPHeaders.namesMatch(field.name, "Transfer-Encoding"):
                transferEncodings.append(field.value)
            default:
                break
            }
        }

        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without exactly one Host.
        if version == .http1_1 ? hostCount != 1 : hostCount > 1 {
            throw .badRequest("request must carry exactly one Host header (RFC 9112 §3.2)")
        }

        let framing = try framing(
            transferEncodings: transferEncodings, contentLengths: contentLengths, method: method, version: version)
        if case .length(let length) = framing, length > maxBodyBytes {
            throw .bodyTooLarge(limit: maxBodyBytes)
        }

        // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
        let isKeepAlive = !closeRequested && (version == .http1_1 || keepAliveRequested)

        var expectsContinue = false
        for expectation in expectations {
            // RFC 9110 §10.1.1: only 100-continue is defined; anything else may be answered 417.
            guard HTTPHeaders.namesMatch(expectation.trimmingOWS(), "100-continue") else {
                throw HTTPParseError(
                    status: .expectationFailed, code: "expectation_failed",
                    message: "unsupported expectation '\(expectation)'")
            }
            // An HTTP/1.0 client cannot handle 100 Continue: the expectation is ignored.
            expectsContinue = version == .http1_1 && framing != .none
        }

        return HTTPRequestHead(
            method: method, path: path, query: query, version: version, headers: headers,
            framing: framing, isKeepAlive: isKeepAlive, expectsContinue: expectsContinue)
    }

    // RFC 9112 §6.3: message body length.
    private static func framing(
        transferEncodings: [String], contentLengths: [String], method: HTTPMethod, version: HTTPVersion
    ) throws(HTTPParseError) -> Framing {
        if !transferEncodings.isEmpty {
            // Both framings at once is the classic request-smuggling vector (RFC 9112 §6.3 rule 3,
            // §11.2): refuse rather than pick one.
            guard contentLengths.isEmpty else {
                throw .badRequest("Content-Length together with Transfer-Encoding is not allowed")
            }
            // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
            guard version == .http1_1 else { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingOWS() }
            // RFC 9112 §6.3 rule 4: a request whose final coding is not chunked is answered 400.
            guard let last = codings.last, HTTPHeaders.namesMatch(last, "chunked") else {
                throw .badRequest("the final transfer coding must be chunked")
            }
            guard codings.count == 1 else {
                // RFC 9112 §6.1: an unknown transfer coding SHOULD be answered 501.
                throw HTTPParseError(
                    status: .notImplemented, code: "unsupported_transfer_coding",
                    message: "only the chunked transfer coding is supported")
            }
            return .chunked
        }
        if !contentLengths.isEmpty {
            // RFC 9110 §8.6: a list of identical values may be accepted; differing values are invalid.
            var length: Int?
            for element in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
                let digits = element.trimmingOWS()
                guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy(ASCII.isDigit),
                    let value = Int(digits)
                else { throw .badRequest("invalid Content-Length '\(element)'") }
                if let length, length != value { throw .badRequest("conflicting Content-Length values") }
                length = value
            }
            return length == 0 ? .none : .length(length ?? 0)
        }
        // RFC 9110 §15.5.12: a server may require a length for requests that usually carry content.
        if method == .post || method == .put || method == .patch {
            throw HTTPParseError(
                status: .lengthRequired, code: "length_required",
                message: "\(method) requires Content-Length or Transfer-Encoding: chunked")
        }
        return .none
    }
}
