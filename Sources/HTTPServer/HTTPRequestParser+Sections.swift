extension HTTPRequestParser {
    enum SectionResult {
        case incomplete
        /// The section is complete; `length` includes the final empty line.
        case complete(length: Int)
        case failure(HTTPParseError)
    }

    /// Scans a CRLF-delimited section (request line + fields, or trailer fields) starting at `base`,
    /// resuming where `scan` stopped, and enforces the size and count limits as bytes arrive —
    /// so a client cannot make the server buffer an unbounded head.
    func scanSection(_ input: UnsafeBufferPointer<UInt8>, base: Int, scan: inout SectionScan) -> SectionResult {
        var index = base + scan.scanned
        while index < input.count {
            let byte = input[index]
            if byte == ASCII.lf {
                // RFC 9112 §2.2 lets a recipient accept a bare LF; refusing it keeps one framing
                // interpretation across proxies (no smuggling through line-ending disagreement).
                guard index > base, input[index - 1] == ASCII.cr else {
                    return .failure(.badRequest("bare LF in header section"))
                }
                let lineLength = index - 1 - (base + scan.lineStart)
                if scan.hasStartLine && scan.startLineLength == nil {
                    if lineLength > configuration.maxRequestLineBytes { return .failure(uriTooLong) }
                    scan.startLineLength = lineLength
                } else if lineLength == 0 {
                    scan.scanned = index + 1 - base
                    if fieldBytes(scanned: scan.scanned, scan) > configuration.maxHeaderBytes + 2 {
                        return .failure(headersTooLarge)
                    }
                    return .complete(length: index + 1 - base)
                } else {
                    scan.fieldLines += 1
                    if scan.fieldLines > configuration.maxHeaderCount {
                        return .failure(.headersTooLarge("more than \(configuration.maxHeaderCount) header fields"))
                    }
                }
                scan.lineStart = index + 1 - base
            } else if index > base, input[index - 1] == ASCII.cr {
                return .failure(.badRequest("bare CR in header section"))
            } else if byte == 0 {
                // NUL is never valid in a head (RFC 9110 §5.5) and truncates strings downstream.
                return .failure(.badRequest("NUL byte in header section"))
            }
            index += 1
            // The limits are checked after every byte, not only where the input ends: otherwise the answer to an
            // over-long line with a syntax error past the limit (414/431 or 400) would depend on how the bytes
            // were split into reads.
            if let error = limitError(scanned: index - base, scan: scan) { return .failure(error) }
        }
        scan.scanned = index - base
        return .incomplete
    }

    /// 414 while the request line is still open and longer than the limit, 431 once the field lines pass theirs.
    private func limitError(scanned: Int, scan: SectionScan) -> HTTPParseError? {
        if scan.hasStartLine && scan.startLineLength == nil {
            // +1 allows for the CR of a line that is exactly at the limit.
            return scanned > configuration.maxRequestLineBytes + 1 ? uriTooLong : nil
        }
        return fieldBytes(scanned: scanned, scan) > configuration.maxHeaderBytes + 2 ? headersTooLarge : nil
    }

    private func fieldBytes(scanned: Int, _ scan: SectionScan) -> Int {
        scanned - (scan.startLineLength.map { $0 + 2 } ?? 0)
    }

    private var uriTooLong: HTTPParseError {
        HTTPParseError(
            status: .uriTooLong, code: "uri_too_long",
            message: "request line exceeds \(configuration.maxRequestLineBytes) bytes")
    }

    private var headersTooLarge: HTTPParseError {
        .headersTooLarge("header section exceeds \(configuration.maxHeaderBytes) bytes")
    }

    /// chunk-size = 1*HEXDIG, then optional chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
    /// (RFC 9112 §7.1.1). Extensions are checked for stray control characters and ignored.
    static func parseChunkSize(_ line: UnsafeBufferPointer<UInt8>, limit: Int) -> Result<Int, HTTPParseError> {
        var size = 0, index = 0
        while index < line.count, let digit = ASCII.hexValue(line[index]) {
            size = size * 16 + digit
            // Checking as we go stops overflow from wrapping to a small (smuggled) size.
            if size > limit { return .failure(.bodyTooLarge(limit: limit)) }
            index += 1
        }
        guard index > 0 else { return .failure(.badRequest("invalid chunk size")) }
        while index < line.count, line[index] == ASCII.space || line[index] == ASCII.tab { index += 1 }
        guard index < line.count else { return .success(size) }
        guard line[index] == ASCII.semicolon else { return .failure(.badRequest("invalid chunk size")) }
        guard line[index...].allSatisfy(ASCII.isFieldValueCharacter) else {
            return .failure(.badRequest("invalid chunk extension"))
        }
        return .success(size)
    }
}
