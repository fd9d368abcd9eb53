// libFuzzer target: JSON request decoding of the API's DTOs — the `/v1/score`, `/v1/moderations` and
// `/v1/generate` bodies, through the server's one decoding entry point (`JSONBody.decode`) and the validation that
// follows it (`scoreInputs`, `resolve`).
//
// Input: a request body. Every body must end in a DTO or in a 4xx error whose JSON rendering succeeds: a request
// body that produces a 5xx (or traps) is a defect.
import Foundation
@testable import GuardService
import HTTPServer

private func check(_ error: APIError, _ route: String) {
    precondition((400..<500).contains(error.status.code), "\(route): a request body gave \(error.status.code): \(error)")
    let response = error.response()
    precondition(response.status == error.status, "\(route): error body could not be encoded: \(error)")
}

private func decode<T: Decodable>(_ type: T.Type, _ request: HTTPRequest, route: String, then validate: (T) throws(APIError) -> Void) {
    do throws(APIError) {
        let value = try JSONBody.decode(T.self, from: request)
        try validate(value)
    } catch {
        check(error, route)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONRequest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = start.map { Data(bytes: $0, count: count) } ?? Data()
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "application/json")
    let request = HTTPRequest(method: .post, path: "/", headers: headers, body: body)
    decode(ScoreRequest.self, request, route: "/v1/score") { value throws(APIError) in
        let (inputs, _) = try value.scoreInputs()
        precondition(!inputs.isEmpty, "/v1/score: no inputs and no error")
    }
    decode(ModerationRequest.self, request, route: "/v1/moderations") { value throws(APIError) in
        let inputs = try value.scoreInputs()
        precondition(!inputs.isEmpty, "/v1/moderations: no inputs and no error")
    }
    decode(GenerateRequest.self, request, route: "/v1/generate") { value throws(APIError) in
        _ = try value.resolve(defaultAlpha: 0.5)
    }
    return 0
}
