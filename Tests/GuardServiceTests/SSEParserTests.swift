import Foundation
import Testing
@testable import GuardService

@Suite struct SSEParserTests {
    private func parse(_ pieces: [String], limit: Int = 1 << 20) throws -> [SSEParser.Event] {
        var parser = SSEParser(maxEventBytes: limit)
        var events: [SSEParser.Event] = []
        for piece in pieces { events += try parser.feed(Array(piece.utf8)) }
        return events
    }

    @Test func parser_readsDataEvents_andDone() throws {
        let events = try parse(["data: {\"a\":1}\n\ndata: [DONE]\n\n"])
        #expect(events.map(\.data) == [#"{"a":1}"#, "[DONE]"])
    }

    @Test func parser_joinsMultipleDataLines_withNewline() throws {
        #expect(try parse(["data: one\ndata: two\n\n"]).map(\.data) == ["one\ntwo"])
    }

    @Test func parser_acceptsCRLF_CR_andLF_lineEnds() throws {
        #expect(try parse(["data: a\r\n\r\ndata: b\r\rdata: c\n\n"]).map(\.data) == ["a", "b", "c"])
    }

    @Test func parser_handlesASplitAnywhere_evenBetweenCRandLF() throws {
        let stream = "data: {\"x\":\"héllo\"}\r\n\r\ndata: second\r\n\r\n"
        let bytes = Array(stream.utf8)
        for cut in 1 ..< bytes.count {
            var parser = SSEParser()
            var events = try parser.feed(bytes[..<cut])
            events += try parser.feed(bytes[cut...])
            #expect(events.map(\.data) == [#"{"x":"héllo"}"#, "second"], "cut at \(cut)")
        }
    }

    @Test func parser_ignoresComments_idRetry_andEventsWithoutData() throws {
        let events = try parse([": keep-alive\n\nid: 7\nretry: 100\n\nevent: ping\n\ndata:nospace\n\n"])
        #expect(events == [SSEParser.Event(event: nil, data: "nospace")])
    }

    @Test func parser_keepsTheEventName() throws {
        #expect(try parse(["event: error\ndata: {}\n\n"]) == [SSEParser.Event(event: "error", data: "{}")])
    }

    @Test func parser_reportsAPartialEvent_atTheEnd() throws {
        var parser = SSEParser()
        _ = try parser.feed(Array("data: {\"trunc".utf8))
        #expect(parser.hasPartialEvent)
        var complete = SSEParser()
        _ = try complete.feed(Array("data: x\n\n".utf8))
        #expect(!complete.hasPartialEvent)
    }

    @Test func parser_refusesAnEventOverTheLimit() {
        #expect(throws: SSEParser.ParseError.eventTooLarge(limit: 64)) {
            _ = try parse([String(repeating: "data: 0123456789\n", count: 10)], limit: 64)
        }
        #expect(throws: SSEParser.ParseError.eventTooLarge(limit: 64)) {
            _ = try parse(["data: " + String(repeating: "x", count: 100)], limit: 64)
        }
    }

    @Test func parser_refusesInvalidUTF8() {
        var parser = SSEParser()
        #expect(throws: SSEParser.ParseError.invalidUTF8) {
            _ = try parser.feed([UInt8]("data: ".utf8) + [0xFF, 0xFE] + [0x0A, 0x0A])
        }
    }
}
