import Foundation
import HTTPServer
import Testing
@testable import GuardService

private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
    var headers = HTTPHeaders()
    if let contentType { headers.add(name: "Content-Type", value: contentType) }
    return HTTPRequest(method: .post, path: "/v1/score", headers: headers, body: Data(body.utf8))
}

private func decodeError(_ request: HTTPRequest) -> APIError? {
    do {
        _ = try JSONBody.decode(ScoreRequest.self, from: request).scoreInputs()
        return nil
    } catch {
        return error
    }
}

@Test func jsonBody_acceptsJSONMediaTypesAndNone() throws {
    #expect(JSONBody.isJSON("application/json"))
    #expect(JSONBody.isJSON("Application/JSON; charset=utf-8"))
    #expect(JSONBody.isJSON("application/vnd.rampart+json"))
    #expect(!JSONBody.isJSON("text/plain"))
    #expect(decodeError(request(#"{"prompt":"x"}"#, contentType: nil)) == nil)
}

@Test func jsonBody_errorsNameTheFieldAndPickTheStatus() {
    #expect(decodeError(request(#"{"prompt": 3}"#))?.code == "invalid_type")
    #expect(decodeError(request(#"{"prompt": 3}"#))?.message.contains("\"prompt\"") == true)
    #expect(decodeError(request(#"{"inputs": [{"prompt": "a"}, {"prompt": false}]}"#))?.message.contains("inputs[1].prompt") == true)
    #expect(decodeError(request(#"{"prompt": null}"#))?.status == .unprocessableContent)
    #expect(decodeError(request(#"{"response": "r"}"#))?.status == .unprocessableContent)
    #expect(decodeError(request(#"{"inputs": []}"#))?.code == "empty_input")
    #expect(decodeError(request(#"{"inputs": [{"response": "r"}]}"#))?.code == "missing_field")
    #expect(decodeError(request(#"{"prompt": "a", "inputs": [{"prompt": "b"}]}"#))?.status == .unprocessableContent)
    #expect(decodeError(request(#"["prompt"]"#))?.status == .badRequest)
    #expect(decodeError(request("{"))?.code == "invalid_json")
    #expect(decodeError(request(""))?.status == .badRequest)
    #expect(decodeError(request(#"{"prompt":"x"}"#, contentType: "text/plain"))?.status == .unsupportedMediaType)
}

@Test func jsonBody_invalidUTF8IsA400() {
    var bad = HTTPRequest(method: .post, path: "/v1/score", body: Data([0x7B, 0x22, 0x70, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]))
    bad.headers.add(name: "Content-Type", value: "application/json")
    #expect(decodeError(bad)?.code == "invalid_utf8")
}

@Test func moderationRequest_acceptsTheThreeInputShapes() throws {
    func decode(_ body: String) throws -> [String] {
        try JSONBody.decode(ModerationRequest.self, from: request(body)).scoreInputs().map(\.prompt)
    }
    #expect(try decode(#"{"input": "one"}"#) == ["one"])
    #expect(try decode(#"{"input": ["one", "two"], "model": "x"}"#) == ["one", "two"])
    #expect(try decode(#"{"input": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}"#) == ["a\nb"])
    #expect(throws: APIError.self) { try decode(#"{"input": [{"type": "image_url", "image_url": {}}]}"#) }
    #expect(throws: APIError.self) { try decode(#"{"input": []}"#) }
    #expect(throws: APIError.self) { try decode(#"{"input": 5}"#) }
}

/// Regression (issue 14): `1e-999999999` is a valid JSON number (0 to double precision) but
/// Foundation's JSONDecoder called the whole body invalid JSON (400).
@Test func jsonBody_underflowingNumbersReadAsZero() throws {
    for literal in ["1e-999999999", "1E-400", "0.5e-99999", "-1e-9999999999999999999"] {
        let decoded = try JSONBody.decode(ScoreRequest.self, from: request(#"{"prompt": "x", "threshold": \#(literal)}"#))
        #expect(decoded.threshold == 0, "\(literal)")
        #expect(decoded.prompt == "x")
    }
    let nested = try JSONBody.decode(
        ScoreRequest.self, from: request(#"{"inputs": [{"prompt": "a\u00e9\n", "response": "b"}], "threshold": 1e-999999999, "acd": false}"#))
    #expect(nested.inputs?.first?.prompt == "aé\n")
    #expect(nested.acd == false)
    // Too large for a Double is still refused, and so is real garbage.
    #expect(decodeError(request(#"{"prompt": "x", "threshold": 1e999}"#))?.status == .badRequest)
    #expect(decodeError(request(#"{"prompt": "x", "threshold": 1e-999999999"#))?.code == "invalid_json")
    // Field errors found after the normalisation still name the field.
    #expect(decodeError(request(#"{"prompt": 1e-999999999}"#))?.code == "invalid_type")
}
