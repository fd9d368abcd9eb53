import Foundation
import Logging
import Prometheus
import Scoring
import Synchronization
import Testing
@testable import GuardService
@testable import HTTPServer

/// The proxy's stream state machine driven without sockets: upstream bytes fed in through its handler, the client's
/// events read from its body stream, scored by the tiny guard of Models/fixtures/scoring. Thresholds 1 (nothing
/// flags: the tiny guard's scores are below 1) and 0 (every check flags) make the verdicts independent of the
/// random model.
@Suite(.serialized) struct ProxyStreamTests {
    private static let scorer: GuardScorer = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/fixtures/scoring/tiny-guard")
        // swiftlint:disable:next force_try
        return try! GuardScorer(modelDirectory: directory, configuration: ScoringConfiguration(threads: 1))
    }()

    private final class Responses: @unchecked Sendable {
        let lock = NSLock()
        var responses: [HTTPResponse] = []
        func add(_ response: HTTPResponse) { lock.withLock { responses.append(response) } }
        var all: [HTTPResponse] { lock.withLock { responses } }
    }

    private func makeStream(threshold: Double, holdsBack: Bool = false) -> (ProxyStream, Responses) {
        let responses = Responses()
        let registry = PrometheusCollectorRegistry()
        let configuration = ProxyConfiguration(upstream: URL(string: "http://upstream/v1")!,
                                               output: RailPolicy(action: .block, threshold: threshold),
                                               checkInterval: 10, checkOverlap: 5, holdsBack: holdsBack)
        let stream = ProxyStream(.init(scorer: Self.scorer, configuration: configuration,
                                       metrics: ProxyMetrics(factory: PrometheusMetricsFactory(registry: registry)),
                                       prompt: "hello", report: RailReport(model: "tiny"), failsOpen: false,
                                       context: HTTPRequestContext(receivedAt: .now), logger: Logger(label: "test"),
                                       respond: { responses.add($0) }))
        return (stream, responses)
    }

    private static func event(_ content: String?, finish: String? = nil) -> String {
        var delta: [String: Any] = [:]
        if let content { delta["content"] = content }
        let object: [String: Any] = ["id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                                     "choices": [["index": 0, "delta": delta, "finish_reason": finish.map { $0 as Any } ?? NSNull()]]]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
    }

    private static let answer = ["The quick ", "brown fox ", "jumps over ", "the lazy ", "dog. "]

    private func feed(_ stream: ProxyStream, _ text: String, complete: Bool = true) {
        let handler = stream.handler
        handler.onResponse(200, "text/event-stream")
        // Split at awkward places: the parser must not care where the bytes break.
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 7)
            handler.onData(Data(bytes[start ..< end]))
            start = end
        }
        if complete { handler.onComplete(nil) }
    }

    /// The client's events, once the stream has finished.
    private func events(_ responses: Responses) throws -> [String] {
        let response = try #require(responses.all.first)
        guard case let .stream(body) = response.body else { return [String(decoding: response.bodyData, as: UTF8.self)] }
        var out = Data()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let (pieces, finished) = body.drain()
            pieces.forEach { out.append($0) }
            if finished { break }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return String(decoding: out, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            .map { String($0.dropFirst("data: ".count)) }
    }

    private func content(_ events: [String]) -> (text: String, reasons: [String]) {
        var text = "", reasons: [String] = []
        for event in events where event != "[DONE]" {
            let object = (try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]) ?? [:]
            for choice in object["choices"] as? [[String: Any]] ?? [] {
                text += (choice["delta"] as? [String: Any])?["content"] as? String ?? ""
                if let reason = choice["finish_reason"] as? String { reasons.append(reason) }
            }
        }
        return (text, reasons)
    }

    @Test func passingStream_forwardsEveryEvent_andReportsOnTheFinishingChunk() throws {
        let (stream, responses) = makeStream(threshold: 1)
        feed(stream, Self.answer.map { Self.event($0) }.joined() + Self.event(nil, finish: "stop") + "data: [DONE]\n\n")
        let events = try events(responses)
        #expect(events.last == "[DONE]")
        let (text, reasons) = content(events)
        #expect(text == Self.answer.joined())
        #expect(reasons == ["stop"])
        // Content events are the upstream's bytes; only the finishing chunk gains the report.
        #expect(events.prefix(5).map { "data: " + $0 + "\n\n" } == Self.answer.map { Self.event($0) })
        let last = try #require(JSONSerialization.jsonObject(with: Data(events[events.count - 2].utf8)) as? [String: Any])
        let output = try #require((last["rampart"] as? [String: Any])?["output"] as? [String: Any])
        #expect(output["blocked"] as? Bool == false)
        // Fed all at once: the first check starts at 10 characters, the next takes everything that arrived meanwhile.
        #expect((output["checks"] as? Int ?? 0) >= 2)
    }

    @Test func flaggedStream_endsWithContentFilter_andNothingAfterIt() throws {
        let (stream, responses) = makeStream(threshold: 0)
        feed(stream, Self.answer.map { Self.event($0) }.joined() + Self.event(nil, finish: "stop") + "data: [DONE]\n\n")
        let events = try events(responses)
        #expect(events.last == "[DONE]")
        let (text, reasons) = content(events)
        #expect(reasons == ["content_filter"])
        // Forwarding runs at most two intervals (20 characters) ahead of passed checks; none passed.
        #expect(text.count <= 20 && Self.answer.joined().hasPrefix(text))
        let cut = try #require(JSONSerialization.jsonObject(with: Data(events[events.count - 2].utf8)) as? [String: Any])
        #expect(((cut["rampart"] as? [String: Any])?["output"] as? [String: Any])?["blocked"] as? Bool == true)
    }

    @Test func holdBack_releasesNothingAFailedCheckCovers() throws {
        let (stream, responses) = makeStream(threshold: 0, holdsBack: true)
        feed(stream, Self.answer.map { Self.event($0) }.joined() + Self.event(nil, finish: "stop") + "data: [DONE]\n\n")
        let events = try events(responses)
        #expect(content(events).text == "")
        #expect(content(events).reasons == ["content_filter"])
    }

    @Test func holdBack_passingStream_isComplete() throws {
        let (stream, responses) = makeStream(threshold: 1, holdsBack: true)
        feed(stream, Self.answer.map { Self.event($0) }.joined() + Self.event(nil, finish: "stop") + "data: [DONE]\n\n")
        #expect(content(try events(responses)).text == Self.answer.joined())
    }

    @Test func nonJSONFirstEvent_isA502() throws {
        let (stream, responses) = makeStream(threshold: 1)
        feed(stream, "data: {oops\n\n")
        let response = try #require(responses.all.first)
        #expect(response.status.code == 502)
        #expect(response.errorCode == "bad_upstream")
    }

    @Test func streamCutBeforeDone_endsWithAnErrorEvent() throws {
        let (stream, responses) = makeStream(threshold: 1)
        feed(stream, Self.event("partial ") + "data: {\"id\": \"c1\", \"cho")
        let events = try events(responses)
        #expect(events.last == "[DONE]")
        #expect(events[events.count - 2].contains("bad_upstream"))
    }

    @Test func upstreamErrorStatus_isPassedOn() throws {
        let (stream, responses) = makeStream(threshold: 1)
        stream.handler.onResponse(429, "application/json")
        stream.handler.onData(Data(#"{"error":{"message":"slow down","code":"rate"}}"#.utf8))
        stream.handler.onComplete(nil)
        let response = try #require(responses.all.first)
        #expect(response.status.code == 429)
        #expect(response.errorCode == "rate")
    }

    @Test func clientLeaving_stopsTheStream() throws {
        let (stream, responses) = makeStream(threshold: 1)
        feed(stream, Self.event("one "), complete: false)
        stream.clientLeft()
        feed(stream, Self.event("two ") + "data: [DONE]\n\n")
        let events = try events(responses)
        #expect(!events.contains("[DONE]"))
        #expect(content(events).text.isEmpty || content(events).text == "one ")
    }
}
