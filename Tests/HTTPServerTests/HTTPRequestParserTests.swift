import Foundation
import Testing
@testable import HTTPServer

@Suite struct HTTPRequestParserTests {
    @Test func simpleGet_parsesRequestLineAndHeaders() throws {
        let events = ParserHarness.parse("GET /v1/score?x=1&y=a%20b HTTP/1.1\r\nHost: localhost\r\nX-Custom:  value \r\n\r\n")
        #expect(events.count == 1)
        let (head, body) = try #require(events.first?.request)
        #expect(head.method == .get)
        #expect(head.path == "/v1/score")
        #expect(head.query == "x=1&y=a%20b")
        #expect(head.version == .http1_1)
        #expect(head.headers["host"] == "localhost")
        #expect(head.headers["x-custom"] == "value")
        #expect(head.isKeepAlive)
        #expect(head.framing == .none)
        #expect(body.isEmpty)
    }

    @Test func postWithContentLength_readsBody() throws {
        let events = ParserHarness.parse("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        let (head, body) = try #require(events.first?.request)
        #expect(head.framing == .length(5))
        #expect(String(decoding: body, as: UTF8.self) == "hello")
    }

    @Test(arguments: [
        "GET /a/b?q=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
        "PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    ])
    func splitAtEveryByte_givesTheSameRequest(text: String) {
        let whole = ParserHarness.parse(text)
        #expect(whole.count == 1)
        #expect(whole.first?.request != nil)
        for (split, events) in ParserHarness.parseAtEverySplit(text).enumerated() {
            #expect(events == whole, "split at \(split)")
        }
    }

    @Test func pipelinedRequests_parseInOrder() throws {
        let text = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = ParserHarness.parse(text)
        #expect(events.compactMap { $0.request?.head.path } == ["/1", "/2", "/3"])
        #expect(events.compactMap { $0.request.map { String(decoding: $0.body, as: UTF8.self) } } == ["", "hi", ""])
    }

    @Test func chunkedBody_withExtensionsAndTrailers_isDecoded() throws {
        let text = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4 ; name=value;flag\r\nWiki\r\nA\r\npedia in c\r\n000\r\nExpires: never\r\nX-Sum: 1\r\n\r\n"
        let events = ParserHarness.parse(text)
        let (head, body) = try #require(events.first?.request)
        #expect(head.framing == .chunked)
        #expect(String(decoding: body, as: UTF8.self) == "Wikipedia in c")
        #expect(head.headers["Expires"] == nil)  // trailers are not merged into headers
    }

    @Test(arguments: [
        ("zz\r\nhello\r\n0\r\n\r\n", 400),  // not hex
        ("\r\n", 400),  // empty size
        ("5 x\r\nhello\r\n0\r\n\r\n", 400),  // junk after size
        ("5\r\nhelloXX0\r\n\r\n", 400),  // data not followed by CRLF
        ("5\nhello\r\n0\r\n\r\n", 400),  // bare LF
        ("fffffffffffffffffffffff\r\n", 413),  // overflow must not wrap
        ("0\r\nBad Trailer: x\r\n\r\n", 400),  // invalid trailer field name
    ])
    func badChunks_areRejected(chunks: String, status: Int) {
        let events = ParserHarness.parse("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
        #expect(events.last?.failureStatus == status)
    }

    @Test func chunkedBody_overTheCap_is413() {
        let configuration = HTTPServerConfiguration(maxBodyBytes: 8)
        let events = ParserHarness.parse(
            "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
            configuration: configuration)
        #expect(events.last?.failureStatus == 413)
    }

    @Test(arguments: [
        // Framing conflicts (request smuggling, RFC 9112 §6.3 / §11.2).
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1e3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        // Length required.
        ("POST / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
        ("PUT / HTTP/1.1\r\nHost: h\r\n\r\n", 411),
        // Request line.
        ("GET /\r\nHost: h\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.x\r\nHost: h\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a\u{7F}b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        // Header section.
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nNoColon\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n: empty-name\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),  // HTTP/1.1 without Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        // Expectations.
        ("POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", 417),
    ])
    func malformedRequests_getTheRightStatus(text: String, status: Int) {
        let events = ParserHarness.parse(text)
        #expect(events.last?.failureStatus == status, "\(text.debugDescription)")
    }

    @Test func identicalContentLengths_areAccepted() throws {
        let events = ParserHarness.parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok")
        let (_, body) = try #require(events.first?.request)
        #expect(body == Data("ok".utf8))
    }

    @Test func requestLine_overTheLimit_is414_evenBeforeItEnds() {
        let configuration = HTTPServerConfiguration(maxRequestLineBytes: 64)
        let long = "GET /" + String(repeating: "a", count: 100)
        #expect(ParserHarness.parse(long, configuration: configuration).last?.failureStatus == 414)
        #expect(ParserHarness.parse(long + " HTTP/1.1\r\nHost: h\r\n\r\n", configuration: configuration).last?.failureStatus == 414)
        let fits = "GET /" + String(repeating: "a", count: 50) + " HTTP/1.1"  // 64 bytes exactly
        #expect(fits.utf8.count == 64)
        #expect(ParserHarness.parse(fits + "\r\nHost: h\r\n\r\n", configuration: configuration).first?.request != nil)
    }

    @Test func headerSection_overTheLimit_is431() {
        let configuration = HTTPServerConfiguration(maxHeaderBytes: 100)
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 200)
        #expect(ParserHarness.parse(big, configuration: configuration).last?.failureStatus == 431)
        #expect(ParserHarness.parse(big + "\r\n\r\n", configuration: configuration).last?.failureStatus == 431)
        let small = "GET / HTTP/1.1\r\nHost: h\r\nX-Ok: " + String(repeating: "b", count: 50) + "\r\n\r\n"
        #expect(ParserHarness.parse(small, configuration: configuration).first?.request != nil)
    }

    @Test func tooManyHeaderFields_is431() {
        let configuration = HTTPServerConfiguration(maxHeaderCount: 5)
        let fields = (0..<6).map { "X-\($0): v\r\n" }.joined()
        #expect(ParserHarness.parse("GET / HTTP/1.1\r\n" + fields + "\r\n", configuration: configuration).last?.failureStatus == 431)
        let fewer = "Host: h\r\n" + (0..<4).map { "X-\($0): v\r\n" }.joined()
        #expect(ParserHarness.parse("GET / HTTP/1.1\r\n" + fewer + "\r\n", configuration: configuration).first?.request != nil)
    }

    @Test func announcedLengthOverTheCap_is413BeforeAnyBody() {
        let configuration = HTTPServerConfiguration(maxBodyBytes: 1000)
        let events = ParserHarness.parse(
            "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1001\r\n\r\n", configuration: configuration)
        #expect(events == [.failure(.bodyTooLarge(limit: 1000))])
    }

    @Test func expectContinue_isAnnouncedOnlyWhileTheBodyIsMissing() throws {
        var harness = ParserHarness()
        harness.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n")
        #expect(harness.events == [.expectContinue])
        harness.feed("abc")
        #expect(harness.events.count == 2)
        #expect(harness.events.last?.request?.body == Data("abc".utf8))

        let eager = ParserHarness.parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc")
        #expect(eager.count == 1)
        // HTTP/1.0 clients do not understand 100 Continue (RFC 9110 §10.1.1).
        let old = ParserHarness.parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        #expect(old.isEmpty)
    }

    @Test func keepAlive_followsVersionAndConnectionHeader() throws {
        func keepAlive(_ text: String) throws -> Bool {
            try #require(ParserHarness.parse(text).first?.request).head.isKeepAlive
        }
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: h\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade, close\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.0\r\n\r\n"))
        #expect(try keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
        // A 1.x minor above 1 is served as HTTP/1.1 (RFC 9110 §6.2).
        #expect(try #require(ParserHarness.parse("GET / HTTP/1.7\r\nHost: h\r\n\r\n").first?.request).head.version == .http1_1)
    }

    @Test func targetForms_areNormalisedToAPath() throws {
        let absolute = try #require(ParserHarness.parse("GET http://example.com/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n").first?.request)
        #expect(absolute.head.path == "/a/b")
        #expect(absolute.head.query == "c=d")
        let bare = try #require(ParserHarness.parse("GET https://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n").first?.request)
        #expect(bare.head.path == "/")
        let asterisk = try #require(ParserHarness.parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n").first?.request)
        #expect(asterisk.head.path == "*")
    }

    @Test func leadingEmptyLines_areIgnored() throws {
        let events = ParserHarness.parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(events.first?.request?.head.path == "/")
    }

    @Test func headerTimeout_firesAfterTheFirstByteOnly() {
        let configuration = HTTPServerConfiguration(headerTimeout: .seconds(5), bodyTimeout: .seconds(7))
        var harness = ParserHarness(configuration: configuration)
        let start = harness.now
        #expect(harness.parser.timeoutError(now: start + .seconds(100)) == nil)  // idle: not this timer's job
        harness.feed("GET / HTTP/1.1\r\nHo")
        #expect(harness.parser.timeoutError(now: start + .milliseconds(4999)) == nil)
        #expect(harness.parser.timeoutError(now: start + .seconds(5))?.status == .requestTimeout)
        // The body phase has its own clock, started when the head completes.
        harness.now = start + .seconds(4)
        harness.feed("st: h\r\nContent-Length: 10\r\n\r\nabc")
        #expect(harness.parser.timeoutError(now: start + .seconds(10)) == nil)
        #expect(harness.parser.timeoutError(now: start + .seconds(11))?.status == .requestTimeout)
        harness.feed("defghij")
        #expect(harness.events.count == 1)
        #expect(harness.parser.timeoutError(now: start + .seconds(100)) == nil)
    }

    @Test func afterAFailure_theParserStaysFailed() {
        var parser = HTTPRequestParser(configuration: HTTPServerConfiguration())
        let now = ContinuousClock.now
        let bad = Array("BAD\r\n\r\n".utf8).withUnsafeBufferPointer { parser.parse($0, now: now) }
        #expect(bad.event.failureStatus == 400)
        let good = Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8).withUnsafeBufferPointer { parser.parse($0, now: now) }
        #expect(good.event.failureStatus == 400)
        #expect(good.consumed == 0)
    }
}
