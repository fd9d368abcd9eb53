import Architectures
import Foundation
import Generation
import HTTPServer
import Logging
import Scoring
import Testing
@testable import GuardService

private let json = [("Content-Type", "application/json")]

@Suite struct ProxyPiecesTests {
    private let flagged = ScoreResult(score: 0.99, isFlagged: true, threshold: 0.5, isTruncated: false, tokens: 12,
                                      windows: 1, labelScores: ["safe": 0.01, "unsafe": 0.99])

    @Test func report_splicesIntoAnObject_leavingEveryOtherByte() throws {
        let report = RailReport(model: "guard", input: .init(action: .block, blocked: true, checks: 1, result: flagged))
        let original = Data(#"{"id":"x","choices":[{"delta":{"content":"a  b"}}]} "#.utf8)
        let spliced = try #require(report.splice(into: original))
        let text = String(decoding: spliced, as: UTF8.self)
        #expect(text.hasPrefix(#"{"id":"x","choices":[{"delta":{"content":"a  b"}}],"rampart":{"#))
        let object = try #require(JSONSerialization.jsonObject(with: spliced) as? [String: Any])
        let input = try #require((object["rampart"] as? [String: Any])?["input"] as? [String: Any])
        #expect(input["score"] as? Double == 0.99)
        #expect(input["flagged"] as? Bool == true)
        #expect(input["blocked"] as? Bool == true)
        #expect(input["action"] as? String == "block")
        #expect(input["threshold"] as? Double == 0.5)
        #expect(report.splice(into: Data("{}".utf8)).map { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"rampart":"#) } == true)
        #expect(report.splice(into: Data("[1]".utf8)) == nil)
        #expect(report.splice(into: Data("not json".utf8)) == nil)
    }

    @Test func railPrompt_isTheLastUserTurn_withEarlierTurnsAsContext() throws {
        let request = ChatCompletionRequest(model: nil, messages: [
            .init(role: "system", content: "SYSTEM PROMPT"),
            .init(role: "user", content: "first question"),
            .init(role: "assistant", content: "first answer"),
            .init(role: "user", content: "the last turn"),
        ])
        let rail = try request.railPrompt(contextCharacters: 400)
        #expect(rail.prompt == "first question\nfirst answer\nthe last turn")
        #expect(rail.lastUserTurn == "the last turn")
        // The context keeps its tail: the turns nearest the last one.
        #expect(try request.railPrompt(contextCharacters: 6).prompt == "answer\nthe last turn")
        #expect(try request.railPrompt(contextCharacters: 0).prompt == "the last turn")
    }

    @Test func railPrompt_needsAUserTurn() {
        let request = ChatCompletionRequest(model: nil, messages: [.init(role: "system", content: "s")])
        #expect(throws: APIError.self) { try request.railPrompt(contextCharacters: 10) }
    }

    @Test func chatMessage_acceptsTextParts_andNullContent() throws {
        let body = #"{"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},"#
            + #"{"role":"assistant","content":null}]}"#
        let request = try JSONDecoder().decode(ChatCompletionRequest.self, from: Data(body.utf8))
        #expect(request.messages.map(\.content) == ["a\nb", ""])
    }

    @Test func refusal_hasOpenAIsShape_withTheReport() throws {
        let report = RailReport(model: "guard", input: .init(action: .block, blocked: true, checks: 1, result: flagged))
        let response = GuardService.refusal("No.", model: "m", report: report, stream: false)
        let object = try #require(JSONSerialization.jsonObject(with: response.bodyData) as? [String: Any])
        #expect(object["object"] as? String == "chat.completion")
        let choice = try #require((object["choices"] as? [[String: Any]])?.first)
        #expect(choice["finish_reason"] as? String == "content_filter")
        #expect((choice["message"] as? [String: Any])?["content"] as? String == "No.")
        #expect(((object["rampart"] as? [String: Any])?["input"] as? [String: Any])?["blocked"] as? Bool == true)
    }

    @Test func upstreamErrorBody_passesJSONOn_andWrapsAnythingElse() throws {
        let passed = UpstreamErrorBody.response(status: 429, body: Data(#"{"error":{"message":"slow down"}}"#.utf8))
        #expect(passed.status.code == 429)
        #expect(String(decoding: passed.bodyData, as: UTF8.self) == #"{"error":{"message":"slow down"}}"#)
        let wrapped = UpstreamErrorBody.response(status: 503, body: Data("<html>down</html>".utf8))
        #expect(wrapped.status.code == 503)
        #expect(wrapped.errorCode == "upstream_error")
    }

    @Test func endpoint_joinsTheAPIBaseAndPath() {
        let proxy = ProxyConfiguration(upstream: URL(string: "http://llm:8000/v1/")!)
        #expect(proxy.endpoint("chat/completions").absoluteString == "http://llm:8000/v1/chat/completions")
    }

    @Test func chat_isA400WithNeitherUpstreamNorCausalModel() {
        let response = ServiceHarness().call(.post, "/v1/chat/completions", headers: json,
                                             body: #"{"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(response.status == .badRequest)
        #expect(response.errorCode == "chat_not_configured")
    }

    @Test func chat_answersInOpenAIsShape_withTheTinyModel() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let lm = try CausalLM.load(root.appendingPathComponent("Models/fixtures/llama/tiny_tied/model-f32.gguf"),
                                   options: EngineOptions(blasThreadCount: 1))
        let worker = GenerationWorker(decoder: ContrastiveDecoder(lm: lm, prompts: ContrastivePrompts(safe: "Be safe.", adversarial: "Be bad.")),
                                      configuration: GenerationConfiguration(defaultAlpha: 0.25), logger: Logger(label: "test"))
        worker.start()
        defer { worker.shutdown() }
        let harness = ServiceHarness()
        harness.service.attach(generator: worker)
        let body = #"{"model":"x","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello"}],"max_tokens":4}"#
        let ok = harness.call(.post, "/v1/chat/completions", headers: json, body: body)
        #expect(ok.status == .ok)
        #expect(ok.json["object"] as? String == "chat.completion")
        let choice = try #require((ok.json["choices"] as? [[String: Any]])?.first)
        #expect(["stop", "length"].contains(choice["finish_reason"] as? String ?? ""))
        #expect((choice["message"] as? [String: Any])?["role"] as? String == "assistant")
        let usage = try #require(ok.json["usage"] as? [String: Any])
        #expect((usage["completion_tokens"] as? Int ?? 0) >= 1)
        #expect((ok.json["acd"] as? [String: Any])?["alpha"] as? Double == 0.25)
        let plain = harness.call(.post, "/v1/chat/completions", headers: json,
                                 body: #"{"messages":[{"role":"user","content":"hello"}],"max_tokens":3,"acd":false}"#)
        #expect(plain.status == .ok)
        #expect(plain.json["acd"] == nil)
        let bad = harness.call(.post, "/v1/chat/completions", headers: json,
                               body: #"{"messages":[{"role":"user","content":"hello"}],"n":2}"#)
        #expect(bad.status == .unprocessableContent)
        let empty = harness.call(.post, "/v1/chat/completions", headers: json, body: #"{"messages":[]}"#)
        #expect(empty.status == .unprocessableContent)
    }
}
