import Foundation
import Testing
@testable import HTTPServer

/// SplitMix64: a small seeded generator so the fuzz cases are reproducible (no global RNG).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct HTTPRequestParserFuzzTests {
    static let seeds: [[UInt8]] = [
        "GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n0\r\nT: v\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    ].map { Array($0.utf8) }

    /// Mutated and concatenated requests: one-piece and randomly split parsing must agree exactly,
    /// and the parser must never trap.
    @Test func mutatedRequests_parseTheSameWhateverTheSplits() {
        var random = SplitMix64(state: 0x5EED)
        let alphabet = Array("\r\n :;/?0123456789abcdefABCDEF-\t\u{0}\u{7F}".utf8) + [0xFF]
        for iteration in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes += Self.seeds.randomElement(using: &random)!
            }
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                default: bytes.remove(at: position)
                }
            }
            var whole = ParserHarness()
            whole.feed(bytes)
            var split = ParserHarness()
            var offset = 0
            while offset < bytes.count {
                let length = Int.random(in: 1...8, using: &random)
                split.feed(bytes[offset..<min(bytes.count, offset + length)])
                offset += length
            }
            let expected = whole.events.filter { $0 != .expectContinue }
            let actual = split.events.filter { $0 != .expectContinue }
            #expect(actual == expected, "iteration \(iteration): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    /// Regression (issue 14, found by Tests/fuzz FuzzHTTP1): the request-line and header-size limits were checked
    /// only where a read ended, so an over-long line with a syntax error past the limit got 400 in one read and
    /// 414 (or 431) byte by byte. The limits are checked after every byte now.
    @Test func overLongHeadWithLateSyntaxError_sameAnswerWhateverTheSplits() {
        let configuration = HTTPServerConfiguration(maxRequestLineBytes: 32, maxHeaderBytes: 64)
        let cases: [(text: String, status: Int)] = [
            ("GET /" + String(repeating: "a", count: 40) + "\rX HTTP/1.1\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nA: " + String(repeating: "b", count: 80) + "\u{0}\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nA: " + String(repeating: "b", count: 80) + "\nB: c\r\n\r\n", 431),
        ]
        for (text, status) in cases {
            let whole = ParserHarness.parse(text, configuration: configuration)
            var byteByByte = ParserHarness(configuration: configuration)
            for byte in text.utf8 { byteByByte.feed([byte]) }
            #expect(whole.map(\.failureStatus) == [status], "\(text.debugDescription)")
            #expect(byteByByte.events == whole, "\(text.debugDescription)")
        }
    }
}
