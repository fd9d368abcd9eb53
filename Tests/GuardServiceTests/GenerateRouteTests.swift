import Architectures
import Foundation
import Generation
import HTTPServer
import Logging
import Testing
@testable import GuardService

private let json = [("Content-Type", "application/json")]

@Test func generate_isA400WithoutACausalModel() {
    let harness = ServiceHarness()
    let response = harness.call(.post, "/v1/generate", headers: json, body: #"{"prompt":"hi"}"#)
    #expect(response.status == .badRequest)
    #expect(response.errorCode == "generation_not_configured")
}

@Test func generate_answersJSONAndValidatesWithTheTinyModel() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let lm = try CausalLM.load(root.appendingPathComponent("Models/fixtures/llama/tiny_tied/model-f32.gguf"),
                               options: EngineOptions(blasThreadCount: 1))
    let worker = GenerationWorker(decoder: ContrastiveDecoder(lm: lm, prompts: ContrastivePrompts(safe: "Be safe.", adversarial: "Be bad.")),
                                  configuration: GenerationConfiguration(defaultAlpha: 0.25), logger: Logger(label: "test"))
    worker.start()
    defer { worker.shutdown() }
    let harness = ServiceHarness()
    harness.service.attach(generator: worker)
    let ok = harness.call(.post, "/v1/generate", headers: json, body: #"{"prompt":"hello","max_tokens":4}"#)
    #expect(ok.status == .ok)
    #expect(ok.json["tokens"] as? Int ?? 0 >= 1)
    #expect((ok.json["acd"] as? [String: Any])?["alpha"] as? Double == 0.25)
    let plain = harness.call(.post, "/v1/generate", headers: json, body: #"{"prompt":"hello","max_tokens":4,"acd":false}"#)
    #expect(plain.status == .ok)
    #expect(plain.json["acd"] is NSNull)
    let tooMany = harness.call(.post, "/v1/generate", headers: json, body: #"{"prompt":"hello","max_tokens":4096}"#)
    #expect(tooMany.status == .unprocessableContent)
    let badAlpha = harness.call(.post, "/v1/generate", headers: json, body: #"{"prompt":"hello","acd":{"alpha":9}}"#)
    #expect(badAlpha.status == .unprocessableContent)
    let missing = harness.call(.post, "/v1/generate", headers: json, body: #"{"max_tokens":4}"#)
    #expect(missing.status.code / 100 == 4)
}
