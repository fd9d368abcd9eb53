extension HTTPRequestHead {
    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
    static func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (HTTPMethod, String, String?, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: ASCII.space), firstSpace > 0 else {
            throw .badRequest("malformed request line")
        }
        let methodBytes = line[0..<firstSpace]
        guard methodBytes.allSatisfy(ASCII.isTokenCharacter) else { throw .badRequest("invalid method") }
        let afterMethod = firstSpace + 1
        guard let secondSpace = line[afterMethod...].firstIndex(of: ASCII.space), secondSpace > afterMethod else {
            throw .badRequest("malformed request line")
        }
        let targetBytes = line[afterMethod..<secondSpace]
        // RFC 3986 §2: the target is visible ASCII; whitespace and CTLs mean a malformed line.
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .badRequest("invalid character in request target")
        }
        // RFC 9112 §3.2: the request-target carries no fragment.
        guard !targetBytes.contains(UInt8(ascii: "#")) else {
            throw .badRequest("request target must not contain a fragment")
        }
        let version = try parseVersion(line[(secondSpace + 1)...])
        let method = HTTPMethod(String(decoding: methodBytes, as: UTF8.self))
        let (path, query) = try parseTarget(String(decoding: targetBytes, as: UTF8.self), method: method)
        return (method, path, query, version)
    }

    /// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3). A major version other than 1 is
    /// answered 505 (RFC 9110 §15.6.6); a higher 1.x minor is served as 1.1 (RFC 9110 §6.2).
    static func parseVersion(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> HTTPVersion {
        let text = UnsafeBufferPointer(rebasing: bytes)
        guard text.count == 8, text[0..<5].elementsEqual("HTTP/".utf8), ASCII.isDigit(text[5]),
            text[6] == UInt8(ascii: "."), ASCII.isDigit(text[7])
        else { throw .badRequest("malformed HTTP version") }
        let major = Int(text[5] - 0x30), minor = Int(text[7] - 0x30)
        guard major == 1 else {
            throw HTTPParseError(
                status: .httpVersionNotSupported, code: "http_version_not_supported",
                message: "HTTP/\(major).\(minor) is not supported; use HTTP/1.1")
        }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// request-target forms (RFC 9112 §3.2): origin-form, absolute-form and asterisk-form (OPTIONS).
    static func parseTarget(_ target: String, method: HTTPMethod) throws(HTTPParseError) -> (String, String?) {
        if target == "*" {
            guard method == .options else { throw .badRequest("asterisk-form target is only valid for OPTIONS") }
            return ("*", nil)
        }
        var pathAndQuery = Substring(target)
        if target.utf8.first != ASCII.slash {
            // absolute-form: scheme "://" authority path-abempty [ "?" query ]
            let lower = target.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw .badRequest("unsupported request target form")
            }
            let afterScheme = target[target.range(of: "://")!.upperBound...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                pathAndQuery = afterScheme[slash...]
                if pathAndQuery.first == "?" { return ("/", String(pathAndQuery.dropFirst())) }
            } else {
                pathAndQuery = "/"
            }
        }
        if let question = pathAndQuery.firstIndex(of: "?") {
            return (String(pathAndQuery[..<question]), String(pathAndQuery[pathAndQuery.index(after: question)...]))
        }
        return (String(pathAndQuery), nil)
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
    static func parseFieldLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPHeaders.Field {
        // RFC 9112 §5.2: obsolete line folding may be rejected with 400.
        if let first = line.first, first == ASCII.space || first == ASCII.tab {
            throw .badRequest("obsolete line folding in header section")
        }
        guard let colon = line.firstIndex(of: ASCII.colon), colon > 0 else {
            throw .badRequest("header field line without a name and colon")
        }
        // RFC 9112 §5.1: whitespace between name and colon MUST be rejected with 400.
        guard line[0..<colon].allSatisfy(ASCII.isTokenCharacter) else {
            throw .badRequest("invalid header field name")
        }
        var start = colon + 1, end = line.count
        while start < end, line[start] == ASCII.space || line[start] == ASCII.tab { start += 1 }
        while end > start, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
        let value = line[start..<end]
        guard value.allSatisfy(ASCII.isFieldValueCharacter) else {
            throw .badRequest("invalid character in header field value")
        }
        return HTTPHeaders.Field(
            name: String(decoding: line[0..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }
}
