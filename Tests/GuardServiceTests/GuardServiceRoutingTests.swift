import Foundation
import HTTPServer
import Testing
@testable import GuardService

@Test func guardService_healthIsLiveBeforeTheModelLoads() {
    let harness = ServiceHarness()
    let response = harness.call(.get, "/health")
    #expect(response.status == .ok)
    #expect(response.json["status"] as? String == "ok")
}

@Test func guardService_readyAndScoringAre503UntilAScorerIsAttached() {
    let harness = ServiceHarness()
    let ready = harness.call(.get, "/ready")
    #expect(ready.status == .serviceUnavailable)
    #expect(ready.headers["Retry-After"] == "1")
    let score = harness.call(.post, "/v1/score", headers: [("Content-Type", "application/json")], body: #"{"prompt":"hi"}"#)
    #expect(score.status == .serviceUnavailable)
    #expect(score.errorCode == "model_not_ready")
}

@Test func guardService_unknownRouteIs404AndWrongMethodIs405WithAllow() {
    let harness = ServiceHarness()
    let missing = harness.call(.get, "/v2/nothing")
    #expect(missing.status == .notFound)
    #expect(missing.errorCode == "not_found")
    let wrong = harness.call(.delete, "/v1/score")
    #expect(wrong.status == .methodNotAllowed)
    #expect(wrong.headers["Allow"] == "POST")
    #expect(wrong.headers["Content-Type"] == "application/json")
}

@Test func guardService_apiKeysGuardTheScoringRoutesButNotTheProbes() {
    let harness = ServiceHarness(ServiceConfiguration(apiKeys: ["sk-one", "sk-two"]))
    #expect(harness.call(.get, "/health").status == .ok)
    #expect(harness.call(.get, "/metrics").status == .ok)
    let missing = harness.call(.get, "/v1/models")
    #expect(missing.status == .unauthorized)
    #expect(missing.errorCode == "invalid_api_key")
    #expect(missing.headers["WWW-Authenticate"] != nil)
    #expect(harness.call(.get, "/v1/models", headers: [("Authorization", "Bearer sk-wrong")]).status == .unauthorized)
    #expect(harness.call(.get, "/v1/models", headers: [("Authorization", "Bearer sk-on")]).status == .unauthorized)
    #expect(harness.call(.get, "/v1/models", headers: [("Authorization", "Basic sk-two")]).status == .unauthorized)
    // The right key passes authentication (then 503: no model is attached in this test).
    #expect(harness.call(.get, "/v1/models", headers: [("Authorization", "Bearer sk-two")]).status == .serviceUnavailable)
    #expect(harness.call(.get, "/v1/models", headers: [("Authorization", "bearer sk-one")]).status == .serviceUnavailable)
}

@Test func guardService_corsPreflightAndActualResponses() {
    let harness = ServiceHarness(ServiceConfiguration(corsAllowedOrigins: ["https://chat.example"]))
    let preflight = harness.call(.options, "/v1/score", headers: [
        ("Origin", "https://chat.example"), ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type, authorization"),
    ])
    #expect(preflight.status == .noContent)
    #expect(preflight.headers["Access-Control-Allow-Origin"] == "https://chat.example")
    #expect(preflight.headers["Access-Control-Allow-Methods"]?.contains("POST") == true)
    #expect(preflight.headers["Access-Control-Allow-Headers"]?.contains("authorization") == true)
    #expect(preflight.headers["Vary"] == "Origin")
    let refused = harness.call(.options, "/v1/score", headers: [
        ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
    ])
    #expect(refused.status == .forbidden)
    #expect(refused.headers["Access-Control-Allow-Origin"] == nil)
    let actual = harness.call(.get, "/health", headers: [("Origin", "https://chat.example")])
    #expect(actual.headers["Access-Control-Allow-Origin"] == "https://chat.example")
    let other = harness.call(.get, "/health", headers: [("Origin", "https://evil.example")])
    #expect(other.headers["Access-Control-Allow-Origin"] == nil)
}

/// Regression (issue 14): the preflight built the origin headers and the per-response decoration
/// added them again; browsers reject a preflight with two Access-Control-Allow-Origin values.
@Test func guardService_corsPreflightCarriesEachOriginHeaderOnce() {
    let harness = ServiceHarness(ServiceConfiguration(corsAllowedOrigins: ["https://good.example"]))
    let preflight = harness.call(.options, "/v1/score", headers: [
        ("Origin", "https://good.example"), ("Access-Control-Request-Method", "POST"),
    ])
    #expect(preflight.status == .noContent)
    #expect(preflight.headers.values(named: "Access-Control-Allow-Origin") == ["https://good.example"])
    #expect(preflight.headers.values(named: "Vary") == ["Origin"])
    #expect(preflight.headers.values(named: "Access-Control-Allow-Methods").count == 1)
    let actual = harness.call(.get, "/health", headers: [("Origin", "https://good.example")])
    #expect(actual.headers.values(named: "Access-Control-Allow-Origin") == ["https://good.example"])
    #expect(actual.headers.values(named: "Vary") == ["Origin"])
}

/// Regression (issue 14): with a list of origins every response depends on Origin, so a response to
/// an origin not on the list (or to none) must say `Vary: Origin` too.
@Test func guardService_corsVaryOriginOnEveryResponse() {
    let harness = ServiceHarness(ServiceConfiguration(corsAllowedOrigins: ["https://good.example"]))
    let refused = harness.call(.post, "/v1/score", headers: [("Origin", "https://evil.example")], body: "{}")
    #expect(refused.headers["Access-Control-Allow-Origin"] == nil)
    #expect(refused.headers.values(named: "Vary") == ["Origin"])
    let refusedPreflight = harness.call(.options, "/v1/score", headers: [
        ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
    ])
    #expect(refusedPreflight.status == .forbidden)
    #expect(refusedPreflight.headers.values(named: "Vary") == ["Origin"])
    let noOrigin = harness.call(.get, "/health")
    #expect(noOrigin.headers.values(named: "Vary") == ["Origin"])
    // "*" answers every origin alike: no Vary.
    let wildcard = ServiceHarness(ServiceConfiguration(corsAllowedOrigins: ["*"]))
    let any = wildcard.call(.get, "/health", headers: [("Origin", "https://whoever.example")])
    #expect(any.headers.values(named: "Access-Control-Allow-Origin") == ["*"])
    #expect(any.headers["Vary"] == nil)
}

/// Regression (issue 14): responses the server makes itself (431, 408, 413 …) skipped CORS and
/// metrics. They pass the same middleware now.
@Test func guardService_serverMadeResponsesGetCORSAndMetrics() {
    let harness = ServiceHarness(ServiceConfiguration(corsAllowedOrigins: ["https://good.example"]))
    let partial = HTTPRequest(method: .post, path: "/v1/score", headers: ["Origin": "https://good.example"])
    let tooLarge = harness.serverResponse(.contentTooLarge, request: partial)
    #expect(tooLarge.headers.values(named: "Access-Control-Allow-Origin") == ["https://good.example"])
    #expect(tooLarge.headers.values(named: "Vary") == ["Origin"])
    let headersTooLarge = harness.serverResponse(.requestHeaderFieldsTooLarge)
    #expect(headersTooLarge.headers["Access-Control-Allow-Origin"] == nil)
    #expect(headersTooLarge.headers.values(named: "Vary") == ["Origin"])
    let metrics = String(decoding: harness.call(.get, "/metrics").bodyData, as: UTF8.self)
    #expect(metrics.contains(#"status="413""#))
    #expect(metrics.contains(#"status="431""#))
}

@Test func guardService_corsIsOffByDefault() {
    let harness = ServiceHarness()
    let response = harness.call(.get, "/health", headers: [("Origin", "https://chat.example")])
    #expect(response.headers["Access-Control-Allow-Origin"] == nil)
}

@Test func guardService_openAPIDocumentIsJSONAndListsEveryRoute() throws {
    let harness = ServiceHarness()
    let response = harness.call(.get, "/openapi.json")
    #expect(response.status == .ok)
    let paths = try #require(response.json["paths"] as? [String: Any])
    #expect(Set(paths.keys) == Set(Route.allCases.map(\.rawValue)))
    #expect(response.json["openapi"] as? String == "3.1.0")
}

@Test func guardService_metricsCountRequestsByRouteAndStatus() {
    let harness = ServiceHarness()
    _ = harness.call(.get, "/health")
    _ = harness.call(.get, "/nowhere")
    let metrics = String(decoding: harness.call(.get, "/metrics").bodyData, as: UTF8.self)
    #expect(metrics.contains(#"rampart_http_requests_total{"#))
    #expect(metrics.contains(#"route="/health""#))
    #expect(metrics.contains(#"status="404""#))
}
