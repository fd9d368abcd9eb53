import Foundation

/// An incremental Server-Sent Events parser (WHATWG HTML §9.2.6, "Interpreting an event stream") for an
/// upstream's `text/event-stream` body: feed it bytes as they arrive, get complete events back.
///
/// Only what OpenAI-compatible streams use is kept: `data` lines (joined with `\n`) and `event` names;
/// comments (`:`), `id` and `retry` are read and dropped. Lines may end in CRLF, LF or CR, and a line may
/// be split anywhere across feeds, including between CR and LF. An event larger than `maxEventBytes`
/// is an error, so that a hostile upstream cannot make the proxy buffer without bound.
struct SSEParser: Sendable {
    struct Event: Sendable, Equatable {
        var event: String?
        var data: String
    }

    enum ParseError: Error, Equatable {
        /// One event (or one line) exceeded the limit.
        case eventTooLarge(limit: Int)
        /// The bytes of a line were not UTF-8.
        case invalidUTF8
    }

    let maxEventBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    /// The previous feed ended in CR: a leading LF in the next one belongs to that line end.
    private var skipsLeadingLF = false

    init(maxEventBytes: Int = 1 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    /// True when bytes of an unfinished event are buffered (the stream ended mid-event).
    var hasPartialEvent: Bool { !line.isEmpty || hasData || eventName != nil }

    /// Consumes `bytes` and returns the events they completed, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ParseError) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if skipsLeadingLF {
                skipsLeadingLF = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D, 0x0A:
                skipsLeadingLF = byte == 0x0D
                if let event = try endLine() { events.append(event) }
            default:
                line.append(byte)
                if line.count + data.count > maxEventBytes { throw .eventTooLarge(limit: maxEventBytes) }
            }
        }
        return events
    }

    private mutating func endLine() throws(ParseError) -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            // A blank line dispatches the event; one without data lines is dropped (§9.2.6 "dispatch the event").
            defer {
                data.removeAll(keepingCapacity: true)
                hasData = false
                eventName = nil
            }
            guard hasData else { return nil }
            guard let text = String(validating: data, as: UTF8.self) else { throw .invalidUTF8 }
            return Event(event: eventName, data: text)
        }
        if line[0] == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[..<(colon ?? line.endIndex)]
        var value = colon.map { line[($0 + 1)...] } ?? []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch String(decoding: name, as: UTF8.self) {
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            guard let text = String(validating: value, as: UTF8.self) else { throw .invalidUTF8 }
            eventName = text
        default:
            break // id, retry and unknown fields are ignored
        }
        return nil
    }
}
