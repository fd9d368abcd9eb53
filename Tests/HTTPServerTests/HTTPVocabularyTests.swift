import Foundation
import Testing
@testable import HTTPServer

@Suite struct HTTPVocabularyTests {
    @Test func headers_lookupIsCaseInsensitive_andKeepsOrder() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "X-A": "1"]
        headers.add(name: "x-a", value: "2")
        #expect(headers["content-type"] == "text/plain")
        #expect(headers.values(named: "X-a") == ["1", "2"])
        #expect(headers.contains("CONTENT-TYPE"))
        headers["X-A"] = "3"
        #expect(headers.values(named: "x-a") == ["3"])
        headers["x-a"] = nil
        #expect(!headers.contains("X-A"))
        #expect(!HTTPHeaders.namesMatch("a-b", "a_b"))
        #expect(!HTTPHeaders.namesMatch("[", "{"))  // differ by 0x20 but are not letters
    }

    @Test func headers_listTokens() {
        let headers: HTTPHeaders = ["Connection": "Upgrade, Keep-Alive"]
        #expect(headers.containsToken("keep-alive", inField: "connection"))
        #expect(!headers.containsToken("close", inField: "connection"))
    }

    @Test func request_queryItems_arePercentDecoded() {
        let request = HTTPRequest(method: .get, path: "/", query: "a=1&b=hello+world&c=%C3%A9&flag")
        #expect(request.queryItems == [
            .init(name: "a", value: "1"), .init(name: "b", value: "hello world"), .init(name: "c", value: "é"),
            .init(name: "flag", value: ""),
        ])
        #expect(HTTPRequest(method: .get, path: "/").queryItems.isEmpty)
    }

    @Test func date_isIMFFixdate() {
        // RFC 9110 §5.6.7's own example.
        #expect(HTTPDateCache.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test func serverError_isJSONWithTheOpenAIShape() throws {
        let response = HTTPResponse.serverError(status: .badRequest, code: "bad_request", message: "a \"quoted\"\nline")
        #expect(response.headers["Content-Type"] == "application/json")
        guard case .bytes(let body) = response.body else {
            Issue.record("expected bytes")
            return
        }
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: [String: String]])
        #expect(object["error"] == ["message": "a \"quoted\"\nline", "type": "invalid_request_error", "code": "bad_request"])
    }

    @Test func serializer_ownsFramingHeaders_andDropsInjectedLines() {
        let buffer = ByteBuffer(capacity: 16)
        let headers: HTTPHeaders = [
            "Content-Length": "999", "X-Evil": "a\r\nSet-Cookie: x", "X-Fine": "ok", "Connection": "keep-alive",
        ]
        HTTPResponseSerializer.writeHead(
            status: .ok, headers: headers, framing: .contentLength(5), closes: true, requestVersion: .http1_1,
            date: "D", serverName: "S", into: buffer)
        let text = String(decoding: buffer.readableBytes, as: UTF8.self)
        #expect(text == "HTTP/1.1 200 OK\r\nX-Fine: ok\r\nDate: D\r\nServer: S\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")
    }

    @Test func serializer_omitsContentLengthFor204() {
        let buffer = ByteBuffer(capacity: 16)
        HTTPResponseSerializer.writeHead(
            status: .noContent, headers: [:], framing: .contentLength(0), closes: false, requestVersion: .http1_0,
            date: "D", serverName: "S", into: buffer)
        let text = String(decoding: buffer.readableBytes, as: UTF8.self)
        #expect(text == "HTTP/1.1 204 No Content\r\nDate: D\r\nServer: S\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func byteBuffer_compactsAndGrows() {
        let buffer = ByteBuffer(capacity: 8)
        buffer.append("abcdef")
        buffer.consume(4)
        buffer.append("ghijklmnopqrstuvwxyz")
        #expect(String(decoding: buffer.readableBytes, as: UTF8.self) == "efghijklmnopqrstuvwxyz")
        buffer.append(String(repeating: "0", count: 100))
        #expect(buffer.readableCount == 122)
        #expect(buffer.capacity >= 122)
        buffer.consume(buffer.readableCount)
        #expect(buffer.isEmpty)
        buffer.shrinkIfEmpty()
        #expect(buffer.capacity == 8)
    }

    @Test func chunkSize_parsesHexAndExtensions() {
        func size(_ text: String) -> Int? {
            Array(text.utf8).withUnsafeBufferPointer {
                try? HTTPRequestParser.parseChunkSize($0, limit: 1 << 20).get()
            }
        }
        #expect(size("1a") == 26)
        #expect(size("FF;name=\"quoted value\"") == 255)
        #expect(size("0") == 0)
        #expect(size("") == nil)
        #expect(size("g") == nil)
        #expect(size("10 x") == nil)
    }
}

@Suite struct HTTPRequestContextTests {
    @Test func context_runsDisconnectHandlersOnce_andAtOnceWhenAlreadyGone() {
        final class Count: @unchecked Sendable { var value = 0 }
        let context = HTTPRequestContext(receivedAt: .now)
        let count = Count()
        context.onDisconnect { count.value += 1 }
        context.onDisconnect { count.value += 10 }
        #expect(count.value == 0)
        context.markDisconnected()
        #expect(count.value == 11)
        context.markDisconnected()
        #expect(count.value == 11)
        context.onDisconnect { count.value += 100 }
        #expect(count.value == 111)
        #expect(!context.isClientConnected)
    }
}
