import Foundation
import HTTPServer
import Logging
import Scoring
import Synchronization

/// One streamed chat completion through the proxy: the upstream's Server-Sent Events in, the output rail on
/// windows of the growing answer, events out to the client.
///
/// Every state change happens under one lock, and so do the writes to the client's stream (they only queue
/// bytes), so events leave in order and nothing follows a block. Scoring and cancelling the upstream run after
/// the lock is released (`Effect`), because either may call back synchronously.
///
/// Forwarding (default): a content event is written as soon as it arrives, while it is within two check intervals
/// of the text finished checks have passed (`forwardLead`); checks run beside the stream. A flag stops the stream
/// at once, so the client may have seen what arrived since the last passed check: one interval plus whatever came
/// while the flagging check ran, never more than two intervals (past that, forwarding waits for the checks).
/// Hold-back: a content event is written only once a finished check has covered all of its text, so flagged text
/// never reaches the client; it waits about one interval longer. Either way the
/// upstream's finishing events (`finish_reason`, usage, `[DONE]`) wait for the final check, so a flag at the
/// very end still ends the stream with `content_filter`.
final class ProxyStream: Sendable {
    struct Setup: Sendable {
        var scorer: GuardScorer
        var configuration: ProxyConfiguration
        var metrics: ProxyMetrics
        /// The last user turn: the prompt of every output check's pair.
        var prompt: String
        /// The report so far (model, input verdict).
        var report: RailReport
        var failsOpen: Bool
        var context: HTTPRequestContext
        var logger: Logger
        /// Sends the response (exactly once): the event stream, or a JSON error before it started.
        var respond: @Sendable (HTTPResponse) -> Void
    }

    private struct HeldEvent {
        var payload: Data
        /// Per choice index: the answer length (scalars) once this event's text is included.
        var ends: [Int: Int]
    }

    private enum Effect {
        case score([ScoreInput], [(index: Int, segment: OutputRailWindow.Segment)])
        case cancelUpstream
    }

    private struct State {
        var status: Int?
        var isEventStream = false
        /// A non-streamed upstream body (an error, or JSON where events were expected).
        var body = Data()
        var parser: SSEParser
        var isStarted = false
        var isFinished = false
        var windows: [Int: OutputRailWindow] = [:]
        /// Per choice index: scalars covered by finished checks.
        var covered: [Int: Int] = [:]
        var held: [HeldEvent] = []
        /// The finishing events, written after the final check.
        var trailing: [Data] = []
        var sawFinish = false
        var sawDone = false
        var isCheckRunning = false
        var verdict: RailReport.Verdict
        var chunkID: String?
        var model: String?
        var created: Int?
        var call: UpstreamCall?
        var isCancelRequested = false
    }

    private let setup: Setup
    private let stream = HTTPBodyStream()
    /// When the upstream request was started (for the upstream latency metrics).
    private let createdAt = ContinuousClock.now
    private let state: Mutex<State>

    init(_ setup: Setup) {
        self.setup = setup
        let policy = setup.configuration.output
        state = Mutex(State(parser: SSEParser(maxEventBytes: setup.configuration.maxEventBytes),
                            verdict: RailReport.Verdict(action: policy.action, blocked: false, checks: 0)))
    }

    /// The upstream exchange this stream reads; cancelled at once if the stream has already ended.
    func attach(_ call: UpstreamCall) {
        let cancelNow = state.withLock { state -> Bool in
            state.call = call
            return state.isCancelRequested
        }
        if cancelNow { call.cancel() }
    }

    var handler: UpstreamHandler {
        UpstreamHandler(
            onResponse: { [self] status, contentType in
                state.withLock { state in
                    state.status = status
                    state.isEventStream = (200 ..< 300).contains(status)
                        && (contentType?.lowercased().hasPrefix("text/event-stream") ?? false)
                }
                setup.metrics.upstreamFirstByte.record(duration: ContinuousClock.now - createdAt)
            },
            onData: { [self] data in perform { state in receive(data, &state) } },
            onComplete: { [self] failure in perform { state in complete(failure, &state) } })
    }

    /// The client went away: stop, and cancel the upstream.
    func clientLeft() {
        perform { state in
            guard !state.isFinished else { return [] }
            state.isFinished = true
            stream.finish()
            return cancel(&state)
        }
    }

    // MARK: State machine (all under the lock)

    private func perform(_ body: (inout State) -> [Effect]) {
        let effects = state.withLock { body(&$0) }
        for effect in effects {
            switch effect {
            case .cancelUpstream:
                state.withLock { $0.call }?.cancel()
            case let .score(inputs, segments):
                let started = ContinuousClock.now
                setup.scorer.score(inputs, threshold: setup.configuration.output.threshold,
                                   isCancelled: { [self] in state.withLock { $0.isFinished } }) { [self] result in
                    setup.metrics.recordCheck(.output, duration: ContinuousClock.now - started,
                                              flagged: (try? result.get())?.contains(where: \.isFlagged) ?? false)
                    perform { state in checked(result, segments, &state) }
                }
            }
        }
    }

    private func cancel(_ state: inout State) -> [Effect] {
        state.isCancelRequested = true
        return state.call == nil ? [] : [.cancelUpstream]
    }

    private func receive(_ data: Data, _ state: inout State) -> [Effect] {
        guard !state.isFinished else { return [] }
        guard state.isEventStream else {
            state.body.append(data)
            if state.body.count > setup.configuration.maxUpstreamBytes {
                return fail(.badGateway("the upstream's response exceeds \(setup.configuration.maxUpstreamBytes) bytes"),
                            kind: "invalid", &state)
            }
            return []
        }
        let events: [SSEParser.Event]
        do {
            events = try state.parser.feed(data)
        } catch {
            let reason = switch error {
            case let .eventTooLarge(limit): "an upstream event exceeds \(limit) bytes"
            case .invalidUTF8: "the upstream's event stream is not UTF-8"
            }
            return fail(.badGateway(reason), kind: "invalid", &state)
        }
        for event in events where !state.isFinished && !state.sawDone {
            if let failure = accept(event, &state) { return failure }
        }
        return nextCheck(&state)
    }

    /// Takes one upstream event; returns effects only when it ended the stream.
    private func accept(_ event: SSEParser.Event, _ state: inout State) -> [Effect]? {
        if event.data == "[DONE]" {
            state.sawDone = true
            return nil
        }
        let payload = Data(event.data.utf8)
        guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else {
            return fail(.badGateway("the upstream sent an event that is not a JSON object"), kind: "invalid", &state)
        }
        if object["error"] != nil {
            // An OpenAI-style error from the upstream: passed on (a 502 with its body before the stream started, the
            // last event after), never releasing held text that no check has passed.
            setup.metrics.recordUpstreamError("status")
            state.isFinished = true
            if state.isStarted {
                write(payload)
                write(Data("[DONE]".utf8))
                stream.finish()
            } else {
                setup.respond(JSONResponse.make(status: .badGateway, body: payload))
            }
            log(&state, outcome: "upstream_error_event")
            return cancel(&state)
        }
        begin(&state)
        if state.chunkID == nil {
            state.chunkID = object["id"] as? String
            state.model = object["model"] as? String
            state.created = object["created"] as? Int
        }
        let choices = object["choices"] as? [[String: Any]] ?? []
        var ends: [Int: Int] = [:]
        for choice in choices {
            let index = choice["index"] as? Int ?? 0
            if let content = (choice["delta"] as? [String: Any])?["content"] as? String, !content.isEmpty {
                var window = state.windows[index]
                    ?? OutputRailWindow(interval: setup.configuration.checkInterval, overlap: setup.configuration.checkOverlap)
                window.append(content)
                state.windows[index] = window
                ends[index] = window.count
            }
            if let reason = choice["finish_reason"], !(reason is NSNull) { state.sawFinish = true }
        }
        if state.sawFinish || (choices.isEmpty && !state.windows.isEmpty) {
            state.trailing.append(payload)
        } else {
            state.held.append(HeldEvent(payload: payload, ends: ends))
            release(&state)
        }
        return nil
    }

    /// Starts the next check when one is due and none is running; finishes the stream after the final one.
    private func nextCheck(_ state: inout State) -> [Effect] {
        guard !state.isFinished, !state.isCheckRunning else { return [] }
        let atEnd = state.sawDone
        var segments: [(index: Int, segment: OutputRailWindow.Segment)] = []
        for index in state.windows.keys.sorted() where state.windows[index]!.isDue(atEnd: atEnd) {
            segments.append((index, state.windows[index]!.begin()))
        }
        guard !segments.isEmpty else { return atEnd ? end(&state) : [] }
        state.isCheckRunning = true
        return [.score(segments.map { ScoreInput(prompt: setup.prompt, response: $0.segment.text) }, segments)]
    }

    private func checked(_ result: Result<[ScoreResult], ScoringError>,
                         _ segments: [(index: Int, segment: OutputRailWindow.Segment)], _ state: inout State) -> [Effect] {
        state.isCheckRunning = false
        guard !state.isFinished else { return [] }
        switch result {
        case let .success(results):
            for result in results { state.verdict.merge(result) }
            if results.contains(where: \.isFlagged), setup.configuration.output.action == .block {
                return block(&state, error: nil)
            }
        case let .failure(error):
            state.verdict.checks += 1
            guard setup.failsOpen else { return block(&state, error: "output check failed: \(error)") }
            state.verdict.error = "output check failed: \(error)"
        }
        for (index, segment) in segments { state.covered[index] = max(state.covered[index] ?? 0, segment.end) }
        release(&state)
        return nextCheck(&state)
    }

    /// Writes, in order, the held events whose text lies within `forwardLead` characters of what finished checks
    /// have passed (all of it, with hold-back).
    private func release(_ state: inout State) {
        let lead = setup.configuration.forwardLead
        while let first = state.held.first,
              first.ends.allSatisfy({ (state.covered[$0.key] ?? 0) + lead >= $0.value }) {
            write(first.payload)
            state.held.removeFirst()
        }
    }

    /// The output rail flagged the answer: one `content_filter` chunk, `[DONE]`, and the upstream is cancelled.
    private func block(_ state: inout State, error: String?) -> [Effect] {
        state.verdict.blocked = true
        state.verdict.error = error
        setup.metrics.recordBlock(.output)
        state.held.removeAll()
        state.trailing.removeAll()
        var report = setup.report
        report.output = state.verdict
        let indices = state.windows.isEmpty ? [0] : state.windows.keys.sorted()
        let chunk = ChatCompletionChunk(
            id: state.chunkID ?? ChatIdentifiers.completionID(), created: state.created ?? ChatIdentifiers.now,
            model: state.model ?? setup.report.model,
            choices: indices.map { .init(index: $0, delta: .init(), finish_reason: "content_filter") }, rampart: report)
        write(Self.encode(chunk))
        write(Data("[DONE]".utf8))
        state.isFinished = true
        stream.finish()
        log(&state, outcome: "blocked_output")
        return cancel(&state)
    }

    /// The final check passed: the held and finishing events (the report added to the first), then `[DONE]`.
    private func end(_ state: inout State) -> [Effect] {
        for event in state.held { write(event.payload) }
        state.held.removeAll()
        var report = setup.report
        report.output = state.verdict
        for (offset, payload) in state.trailing.enumerated() {
            write(offset == 0 ? report.splice(into: payload) ?? payload : payload)
        }
        write(Data("[DONE]".utf8))
        state.isFinished = true
        stream.finish()
        log(&state, outcome: "passed")
        return []
    }

    /// The upstream exchange ended.
    private func complete(_ failure: UpstreamFailure?, _ state: inout State) -> [Effect] {
        setup.metrics.upstreamTotal.record(duration: ContinuousClock.now - createdAt)
        guard !state.isFinished else { return [] }
        if let failure {
            let kind = switch failure {
            case .unreachable: "unreachable"
            case .timedOut: "timeout"
            case .cancelled: "cancelled"
            }
            return fail(APIError.from(failure), kind: kind, &state)
        }
        guard state.isEventStream else {
            let status = state.status ?? 0
            guard (200 ..< 300).contains(status) else {
                setup.metrics.recordUpstreamError("status")
                state.isFinished = true
                setup.respond(UpstreamErrorBody.response(status: status, body: state.body))
                log(&state, outcome: "upstream_status")
                return []
            }
            return fail(.badGateway("the upstream did not answer a streaming request with text/event-stream"),
                        kind: "invalid", &state)
        }
        if state.sawDone { return nextCheck(&state) }
        if state.parser.hasPartialEvent || !state.sawFinish {
            return fail(.badGateway("the upstream's event stream ended before [DONE]"), kind: "invalid", &state)
        }
        // Ended after the finishing chunk without [DONE]: accepted as the end.
        state.sawDone = true
        return nextCheck(&state)
    }

    /// Ends the exchange with an error: a JSON error response before the stream started, an error event after.
    private func fail(_ error: APIError, kind: String, _ state: inout State) -> [Effect] {
        setup.metrics.recordUpstreamError(kind)
        state.isFinished = true
        if state.isStarted {
            write(Self.encodeError(error))
            write(Data("[DONE]".utf8))
            stream.finish()
        } else {
            setup.respond(error.response())
        }
        log(&state, outcome: "upstream_\(kind)")
        return cancel(&state)
    }

    private func begin(_ state: inout State) {
        guard !state.isStarted else { return }
        state.isStarted = true
        setup.respond(ServerSentEvents.response(stream))
    }

    private func write(_ payload: Data) {
        // A closed stream means the client left; the disconnect handler cancels the upstream.
        try? stream.write(ServerSentEvents.event(payload))
    }

    private func log(_ state: inout State, outcome: String) {
        var metadata: Logger.Metadata = ["outcome": "\(outcome)", "stream": "true", "checks": "\(state.verdict.checks)",
                                         "upstream_status": "\(state.status.map(String.init) ?? "none")"]
        if let score = state.verdict.result?.score { metadata["output_score"] = "\(String(format: "%.4f", score))" }
        if let score = setup.report.input?.result?.score { metadata["input_score"] = "\(String(format: "%.4f", score))" }
        setup.logger.info("proxy", metadata: metadata)
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    static func encodeError(_ error: APIError) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["error": ["message": error.message, "type": error.type, "code": error.code]]))
            ?? Data("{}".utf8)
    }
}
