import Foundation
@testable import HTTPServer

/// Feeds a parser the way a connection does: bytes accumulate in a buffer, the parser is called
/// until it needs more, consumed bytes are dropped.
struct ParserHarness {
    var parser: HTTPRequestParser
    var buffer: [UInt8] = []
    var events: [HTTPRequestParser.Event] = []
    var now = ContinuousClock.now

    init(configuration: HTTPServerConfiguration = HTTPServerConfiguration()) {
        parser = HTTPRequestParser(configuration: configuration)
    }

    /// Like a connection, stop parsing after a failure (the connection closes).
    var hasFailed = false

    mutating func feed(_ bytes: some Sequence<UInt8>) {
        guard !hasFailed else { return }
        buffer.append(contentsOf: bytes)
        while true {
            let (consumed, event) = buffer.withUnsafeBufferPointer { parser.parse($0, now: now) }
            buffer.removeFirst(consumed)
            if event == .needMoreData { return }
            events.append(event)
            if case .failure = event {
                hasFailed = true
                return
            }
        }
    }

    mutating func feed(_ text: String) { feed(Array(text.utf8)) }

    /// Parses `text` in one piece.
    static func parse(_ text: String, configuration: HTTPServerConfiguration = HTTPServerConfiguration())
        -> [HTTPRequestParser.Event]
    {
        var harness = ParserHarness(configuration: configuration)
        harness.feed(text)
        return harness.events
    }

    /// Parses `text` split into two pieces at every possible position, and byte by byte; returns the
    /// event lists (all must be equal to the one-piece parse).
    static func parseAtEverySplit(_ text: String) -> [[HTTPRequestParser.Event]] {
        let bytes = Array(text.utf8)
        var results: [[HTTPRequestParser.Event]] = []
        for split in 0...bytes.count {
            var harness = ParserHarness()
            harness.feed(bytes[0..<split])
            harness.feed(bytes[split...])
            results.append(harness.events.filter { $0 != .expectContinue })
        }
        var byteByByte = ParserHarness()
        for byte in bytes { byteByByte.feed([byte]) }
        results.append(byteByByte.events.filter { $0 != .expectContinue })
        return results
    }
}

extension HTTPRequestParser.Event {
    var request: (head: HTTPRequestHead, body: Data)? {
        if case .request(let head, let body) = self { return (head, body) }
        return nil
    }

    var failureStatus: Int? {
        if case .failure(let error) = self { return error.status.code }
        return nil
    }
}
