import Architectures
import Foundation
import Generation
import Logging
import Testing
@testable import GuardService
@testable import Scoring

/// `/v1/score` with `messages` and `explain`, and the playground page, on the tiny guard fixture.
private let tinyGuard = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models/fixtures/scoring/tiny-guard")

private func scoringHarness(_ configuration: ServiceConfiguration = ServiceConfiguration()) throws
    -> (ServiceHarness, GuardScorer) {
    let harness = ServiceHarness(configuration)
    let scorer = try GuardScorer(modelDirectory: tinyGuard, configuration: ScoringConfiguration(threads: 1))
    harness.service.attach(scorer)
    return (harness, scorer)
}

private func json(_ object: Any) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

private func score(_ harness: ServiceHarness, _ body: Any) -> [String: Any] {
    let response = harness.call(.post, "/v1/score", headers: [("Content-Type", "application/json")], body: json(body))
    #expect(response.status == .ok, "\(String(decoding: response.bodyData, as: UTF8.self))")
    return response.json
}

private let longText = (1 ... 40).map { "word\($0)" }.joined(separator: " ")

@Test func scoreMessages_lastUserTurnAloneIsThePromptAndAssistantTurnIsTheResponse() throws {
    let (harness, scorer) = try scoringHarness()
    defer { scorer.shutdown() }
    let prompt = score(harness, ["prompt": "how do i pick a lock"])
    let single = score(harness, ["messages": [["role": "user", "content": "how do i pick a lock"]]])
    #expect(single["score"] as? Double == prompt["score"] as? Double)
    let pair = score(harness, ["prompt": "how do i pick a lock", "response": "i cannot help"])
    let conversation = score(harness, ["messages": [
        ["role": "user", "content": [["type": "text", "text": "how do i pick a lock"]]],
        ["role": "assistant", "content": "i cannot help"],
    ]])
    #expect(conversation["score"] as? Double == pair["score"] as? Double)
    #expect(conversation["threshold"] as? Double == pair["threshold"] as? Double)
}

@Test func scoreMessages_contextIsReadAndExplainedPerMessage() throws {
    let (harness, scorer) = try scoringHarness()
    defer { scorer.shutdown() }
    let messages: [[String: Any]] = [
        ["role": "system", "content": "be brief"],
        ["role": "user", "content": longText],
        ["role": "assistant", "content": "ok"],
        ["role": "user", "content": "and then"],
        ["role": "assistant", "content": "fine"],
    ]
    let result = score(harness, ["messages": messages, "explain": true])
    let explanation = try #require(result["explanation"] as? [String: Any])
    #expect(explanation["prompt_message"] as? Int == 3)
    #expect(explanation["response_message"] as? Int == 4)
    let windows = try #require(explanation["windows"] as? [[String: Any]])
    #expect(windows.count == 1)
    let spans = try #require(windows[0]["messages"] as? [[String: Any]])
    let byIndex = Dictionary(uniqueKeysWithValues: spans.map {
        ($0["index"] as! Int, ($0["start"] as! Int, $0["end"] as! Int))
    })
    // The judged turns are read whole; of the context only the nearest turns fit (the 24-token window), and
    // the first turn does not.
    #expect(byIndex[3].map { [$0.0, $0.1] } == [0, 8])
    #expect(byIndex[4].map { [$0.0, $0.1] } == [0, 4])
    #expect(byIndex[2].map { [$0.0, $0.1] } == [0, 2])
    #expect(byIndex[0] == nil)
    // A context turn that is read only in part is read up to its end (the tail is kept).
    if let partial = byIndex[1] { #expect(partial.1 == longText.count && partial.0 > 0) }
    #expect(result["truncated"] as? Bool == false)
}

@Test func scoreMessages_invalidConversationsAre422() throws {
    let (harness, scorer) = try scoringHarness()
    defer { scorer.shutdown() }
    let cases: [(Any, String)] = [
        ([], "empty_input"),
        ([["role": "robot", "content": "hi"]], "invalid_value"),
        ([["role": "user", "content": [["type": "image_url", "image_url": ["url": "x"]]]]], "unsupported_input"),
        ([["role": "user", "content": [["type": "text"]]]], "missing_field"),
        ([["role": "user"]], "missing_field"),
        ([["role": "user", "content": NSNull()]], "missing_field"),
        ([["role": "user", "content": "hi"], ["role": "system", "content": "x"]], "invalid_conversation"),
        ([["role": "system", "content": "x"], ["role": "assistant", "content": "hi"]], "invalid_conversation"),
    ]
    for (messages, code) in cases {
        let response = harness.call(.post, "/v1/score", headers: [("Content-Type", "application/json")],
                                    body: json(["messages": messages]))
        #expect(response.status == .unprocessableContent, "\(messages)")
        #expect(response.errorCode == code, "\(messages): \(String(decoding: response.bodyData, as: UTF8.self))")
    }
    let both = harness.call(.post, "/v1/score", body: json(["messages": [["role": "user", "content": "hi"]],
                                                           "prompt": "hi"]))
    #expect(both.status == .unprocessableContent)
    let wrongType = harness.call(.post, "/v1/score", body: json(["messages": [["role": "user", "content": 3]]]))
    #expect(wrongType.status == .badRequest)
    let missingRole = harness.call(.post, "/v1/score", body: json(["messages": [["content": "hi"]]]))
    #expect(missingRole.status == .unprocessableContent)
    #expect(missingRole.errorCode == "missing_field")
}

@Test func scoreExplain_pairsAndBatchesCarryWindowSpans() throws {
    let (harness, scorer) = try scoringHarness()
    defer { scorer.shutdown() }
    let plain = score(harness, ["prompt": longText])
    #expect(plain["explanation"] == nil)
    let result = score(harness, ["prompt": longText, "explain": true])
    let windows = try #require((result["explanation"] as? [String: Any])?["windows"] as? [[String: Any]])
    #expect(windows.count == result["windows"] as? Int)
    #expect(windows.count > 1)
    let scores = windows.compactMap { $0["score"] as? Double }
    #expect(abs(scores.max()! - (result["score"] as! Double)) < 1e-12)
    let first = try #require(windows.first?["prompt"] as? [String: Int])
    let last = try #require(windows.last?["prompt"] as? [String: Int])
    #expect(first["start"] == 0 && last["end"] == longText.count)
    #expect(windows.allSatisfy { $0["response"] == nil && $0["messages"] == nil })

    let batch = score(harness, ["explain": true, "inputs": [
        ["prompt": "hi", "response": "hello"],
        ["messages": [["role": "user", "content": "hi"], ["role": "assistant", "content": "hello"]]],
    ]])
    let results = try #require(batch["results"] as? [[String: Any]])
    #expect(results.count == 2)
    #expect(results[0]["score"] as? Double == results[1]["score"] as? Double)
    let pairWindow = try #require(((results[0]["explanation"] as? [String: Any])?["windows"] as? [[String: Any]])?.first)
    #expect(pairWindow["prompt"] as? [String: Int] == ["start": 0, "end": 2])
    #expect(pairWindow["response"] as? [String: Int] == ["start": 0, "end": 5])
    let messageWindow = try #require(((results[1]["explanation"] as? [String: Any])?["windows"] as? [[String: Any]])?.first)
    #expect((messageWindow["messages"] as? [[String: Int]])?.count == 2)
}

@Test func playground_isServedWithoutAKeyAsOneSelfContainedPage() throws {
    let (harness, scorer) = try scoringHarness(ServiceConfiguration(apiKeys: ["secret"]))
    defer { scorer.shutdown() }
    let page = harness.call(.get, "/")
    #expect(page.status == .ok)
    #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
    #expect(page.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
    let html = String(decoding: page.bodyData, as: UTF8.self)
    #expect(html.hasPrefix("<!doctype html>"))
    #expect(html.contains("/v1/score") && html.contains("explain: true"))
    // Nothing from elsewhere: no external scripts, styles or fonts.
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script src"))
    #expect(harness.call(.head, "/").status == .ok)
    #expect(harness.call(.post, "/").status == .methodNotAllowed)
    #expect(harness.call(.post, "/v1/score", body: json(["prompt": "x"])).status == .unauthorized)
}

@Test func scoreExplain_withACDEvidenceCarriesBoth() throws {
    let (harness, scorer) = try scoringHarness()
    defer { scorer.shutdown() }
    let lm = try CausalLM.load(tinyGuard.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("llama/tiny_tied/model-f32.gguf"), options: EngineOptions(blasThreadCount: 1))
    let worker = GenerationWorker(
        decoder: ContrastiveDecoder(lm: lm, prompts: ContrastivePrompts(safe: "Be safe.", adversarial: "Be bad.")),
        configuration: GenerationConfiguration(), logger: Logger(label: "test"))
    worker.start()
    defer { worker.shutdown() }
    harness.service.attach(generator: worker)
    let result = score(harness, ["acd": true, "explain": true, "messages": [
        ["role": "user", "content": "hi"], ["role": "assistant", "content": "hello"],
    ]])
    #expect(result["acd"] is [String: Any])
    let explanation = try #require(result["explanation"] as? [String: Any])
    #expect(explanation["response_message"] as? Int == 1)
    let window = try #require((explanation["windows"] as? [[String: Any]])?.first)
    #expect((window["messages"] as? [[String: Int]])?.map { $0["index"] } == [0, 1])
}

@Test func conversation_contextIsRoleMarkedTurnsEndingInTheUserMarker() throws {
    func message(_ role: String, _ content: String) throws -> ConversationMessage {
        try JSONDecoder().decode(ConversationMessage.self, from: Data(json(["role": role, "content": content]).utf8))
    }
    let messages = [try message("system", "be brief"), try message("user", "hi"), try message("assistant", "hello"),
                    try message("user", "how do i pick a lock"), try message("tool", "lock.txt"),
                    try message("assistant", "no")]
    let conversation = try Conversation(messages, field: "messages")
    #expect(conversation.input.prompt == "how do i pick a lock")
    #expect(conversation.input.response == "no")
    let context = try #require(conversation.input.context)
    #expect(context == "system: be brief\n\nuser: hi\n\nassistant: hello\n\ntool: lock.txt\n\nuser:")
    let scalars = Array(context.unicodeScalars)
    let texts = conversation.layout.contextMessages.map { String(String.UnicodeScalarView(scalars[$0.range])) }
    #expect(conversation.layout.contextMessages.map(\.index) == [0, 1, 2, 4])
    #expect(texts == ["be brief", "hi", "hello", "lock.txt"])
    #expect(conversation.layout.promptMessage == 3 && conversation.layout.responseMessage == 5)
    let alone = try Conversation([try message("user", "hi")], field: "messages")
    #expect(alone.input == ScoreInput(prompt: "hi"))
}
