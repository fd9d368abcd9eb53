import Testing
@testable import GuardService

/// Regression (issue 14): the length difference was folded into 8 bits, so lengths differing by a
/// multiple of 256 compared equal wherever the extra bytes were zero.
@Test func apiKeyAuthenticator_lengthDifferenceOf256IsNotAMatch() {
    let authenticator = APIKeyAuthenticator(keys: ["k"])
    #expect(authenticator.isAuthorized(authorizationHeader: "Bearer k"))
    #expect(!authenticator.isAuthorized(authorizationHeader: "Bearer k" + String(repeating: "\0", count: 256)))
    #expect(!APIKeyAuthenticator.constantTimeEquals([1] + [UInt8](repeating: 0, count: 256), [1]))
    #expect(!APIKeyAuthenticator.constantTimeEquals([UInt8](repeating: 0, count: 512), []))
    #expect(!APIKeyAuthenticator.constantTimeEquals([1, 2], [1]))
    #expect(APIKeyAuthenticator.constantTimeEquals([1, 2, 3], [1, 2, 3]))
    #expect(APIKeyAuthenticator.constantTimeEquals([], []))
}
