import Foundation

/// An incremental HTTP/1.1 request parser (RFC 9112) with no I/O: a pure state machine fed bytes
/// and the current time.
///
/// The caller keeps unconsumed bytes and passes them again with whatever arrived since; the parser
/// remembers how far it scanned, so each byte of a head is examined once. Heads and chunk-size
/// lines stay in the caller's buffer until complete (bounded by the limits); body bytes are copied
/// out as they arrive.
struct HTTPRequestParser {
    enum Event: Equatable {
        /// Nothing more can be parsed until more bytes arrive.
        case needMoreData
        /// A head with `Expect: 100-continue` is complete and no body byte has arrived yet:
        /// send `100 Continue` (RFC 9110 §10.1.1), then keep feeding.
        case expectContinue
        /// A complete request: head and de-chunked body.
        case request(HTTPRequestHead, Data)
        /// A protocol error: answer with its status and close.
        case failure(HTTPParseError)
    }

    /// Progress through a CRLF-delimited section (head or trailers), relative to its first byte.
    struct SectionScan {
        var scanned = 0
        var lineStart = 0
        var fieldLines = 0
        var startLineLength: Int?
        var hasStartLine: Bool
    }

    private enum State {
        case idle
        case head(SectionScan)
        case body(remaining: Int)
        case chunkSize(scanned: Int)
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(SectionScan)
        case failed(HTTPParseError)
    }

    /// A chunk-size line with extensions longer than this is refused (RFC 9112 §7.1.1 leaves the
    /// limit to the server).
    static let maxChunkLineBytes = 4096

    let configuration: HTTPServerConfiguration
    private var state = State.idle
    private var head: HTTPRequestHead?
    private var body = Data()
    /// When the current phase (head, or body) began; drives the header and body timeouts.
    private var phaseStartedAt: ContinuousClock.Instant?

    init(configuration: HTTPServerConfiguration) {
        self.configuration = configuration
    }

    /// True between requests: no byte of a next request has been seen.
    var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    /// Parses from the start of `input` (the caller's unconsumed bytes). Returns how many bytes the
    /// caller must drop from the front and what happened. Call again after any event other than
    /// `.needMoreData` / `.failure` to continue with the remaining bytes.
    mutating func parse(_ input: UnsafeBufferPointer<UInt8>, now: ContinuousClock.Instant) -> (consumed: Int, event: Event) {
        var offset = 0
        while true {
            switch state {
            case .failed(let error):
                return (offset, .failure(error))

            case .idle:
                // RFC 9112 §2.2: ignore empty lines received before the request line.
                while offset < input.count, input[offset] == ASCII.cr {
                    guard offset + 1 < input.count else { return (offset, .needMoreData) }
                    guard input[offset + 1] == ASCII.lf else { return fail(offset, .badRequest("bare CR")) }
                    offset += 2
                }
                guard offset < input.count else { return (offset, .needMoreData) }
                phaseStartedAt = now
                state = .head(SectionScan(hasStartLine: true))

            case .head(var scan):
                switch scanSection(input, base: offset, scan: &scan) {
                case .incomplete:
                    state = .head(scan)
                    return (offset, .needMoreData)
                case .failure(let error):
                    return fail(offset, error)
                case .complete(let length):
                    let bytes = UnsafeBufferPointer(rebasing: input[offset..<(offset + length)])
                    let parsed: HTTPRequestHead
                    do {
                        parsed = try HTTPRequestHead.parse(
                            bytes, requestLineLength: scan.startLineLength!, maxBodyBytes: configuration.maxBodyBytes)
                    } catch {
                        return fail(offset, error)
                    }
                    offset += length
                    head = parsed
                    switch parsed.framing {
                    case .none:
                        return (offset, complete(now: now))
                    case .length(let length):
                        body = Data(capacity: length)
                        state = .body(remaining: length)
                    case .chunked:
                        body = Data()
                        state = .chunkSize(scanned: 0)
                    }
                    phaseStartedAt = now
                    if parsed.expectsContinue && offset == input.count { return (offset, .expectContinue) }
                }

            case .body(let remaining):
                let available = min(remaining, input.count - offset)
                body.append(UnsafeBufferPointer(rebasing: input[offset..<(offset + available)]))
                offset += available
                guard remaining == available else {
                    state = .body(remaining: remaining - available)
                    return (offset, .needMoreData)
                }
                return (offset, complete(now: now))

            case .chunkSize(let scanned):
                // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1)
                guard let lineEnd = findLineEnd(input, from: offset + scanned) else {
                    let length = input.count - offset
                    if length > Self.maxChunkLineBytes { return fail(offset, .badRequest("chunk-size line too long")) }
                    state = .chunkSize(scanned: length)
                    return (offset, .needMoreData)
                }
                let line = UnsafeBufferPointer(rebasing: input[offset..<lineEnd])
                guard line.last == ASCII.cr else { return fail(offset, .badRequest("bare LF in chunk-size line")) }
                let size: Int
                switch Self.parseChunkSize(UnsafeBufferPointer(rebasing: line.dropLast()), limit: configuration.maxBodyBytes) {
                case .success(let value): size = value
                case .failure(let error): return fail(offset, error)
                }
                offset = lineEnd + 1
                if size == 0 {
                    state = .trailers(SectionScan(hasStartLine: false))
                } else if body.count + size > configuration.maxBodyBytes {
                    return fail(offset, .bodyTooLarge(limit: configuration.maxBodyBytes))
                } else {
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                let available = min(remaining, input.count - offset)
                body.append(UnsafeBufferPointer(rebasing: input[offset..<(offset + available)]))
                offset += available
                guard remaining == available else {
                    state = .chunkData(remaining: remaining - available)
                    return (offset, .needMoreData)
                }
                state = .chunkDataEnd

            case .chunkDataEnd:
                guard input.count - offset >= 2 else {
                    if offset < input.count, input[offset] != ASCII.cr {
                        return fail(offset, .badRequest("chunk data not followed by CRLF"))
                    }
                    return (offset, .needMoreData)
                }
                guard input[offset] == ASCII.cr, input[offset + 1] == ASCII.lf else {
                    return fail(offset, .badRequest("chunk data not followed by CRLF"))
                }
                offset += 2
                state = .chunkSize(scanned: 0)

            case .trailers(var scan):
                // trailer-section (RFC 9112 §7.1.2): validated like header fields, then discarded —
                // nothing here uses trailer fields, and merging them into headers is unsafe.
                switch scanSection(input, base: offset, scan: &scan) {
                case .incomplete:
                    state = .trailers(scan)
                    return (offset, .needMoreData)
                case .failure(let error):
                    return fail(offset, error)
                case .complete(let length):
                    var lineStart = offset
                    let end = offset + length - 2
                    while lineStart < end {
                        var lineEnd = lineStart
                        while input[lineEnd] != ASCII.cr { lineEnd += 1 }
                        do {
                            _ = try HTTPRequestHead.parseFieldLine(UnsafeBufferPointer(rebasing: input[lineStart..<lineEnd]))
                        } catch {
                            return fail(offset, error)
                        }
                        lineStart = lineEnd + 2
                    }
                    offset += length
                    return (offset, complete(now: now))
                }
            }
        }
    }

    /// The 408 to send if the current phase has outlasted its timeout at `now`, else nil.
    func timeoutError(now: ContinuousClock.Instant) -> HTTPParseError? {
        guard let started = phaseStartedAt else { return nil }
        let limit: Duration
        switch state {
        case .head: limit = configuration.headerTimeout
        case .body, .chunkSize, .chunkData, .chunkDataEnd, .trailers: limit = configuration.bodyTimeout
        case .idle, .failed: return nil
        }
        guard now - started >= limit else { return nil }
        return HTTPParseError(
            status: .requestTimeout, code: "request_timeout",
            message: "request not received within \(limit)")
    }

    private mutating func complete(now: ContinuousClock.Instant) -> Event {
        let event = Event.request(head!, body)
        head = nil
        body = Data()
        state = .idle
        phaseStartedAt = nil
        return event
    }

    private mutating func fail(_ offset: Int, _ error: HTTPParseError) -> (consumed: Int, event: Event) {
        state = .failed(error)
        phaseStartedAt = nil
        return (offset, .failure(error))
    }

    private func findLineEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < input.count {
            if input[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }
}
