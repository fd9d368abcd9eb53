import Testing
@testable import HTTPServer

@Suite struct HTTP2SessionTests {
    /// Regression (issue 14): a refused `nghttp2_submit_response` was ignored, leaving the client
    /// waiting forever. It is an error now (the event loop resets the stream).
    @Test func http2Session_refusedResponseIsAnError() throws {
        let session = try HTTP2Session(limits: .init(
            maxConcurrentStreams: 10, maxHeaderListSize: 8192, maxHeaderCount: 100, maxBodyBytes: 1024,
            maxBufferedBodyBytes: 4096, maxResetsPerWindow: 100, resetWindow: .seconds(1)))
        // Stream 0 is the connection itself (RFC 9113 §5.1.1): nghttp2 refuses a response on it.
        let stream = HTTP2Stream(id: 0)
        #expect(throws: HTTPServerError.self) {
            try session.submitResponse(to: stream, status: .ok, headers: [], hasContent: false)
        }
    }
}
