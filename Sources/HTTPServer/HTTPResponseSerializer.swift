import Foundation

/// Writes response heads and chunk framing into a connection's output buffer (RFC 9112 §4, §7.1).
enum HTTPResponseSerializer {
    /// How the body of a response is delimited on the wire.
    enum Framing {
        case contentLength(Int)
        case chunked
        /// HTTP/1.0 has no chunked coding: the body ends when the connection closes (RFC 9112 §6.3 rule 8).
        case untilClose
    }

    static let continueResponse: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
    static let lastChunk: StaticString = "0\r\n\r\n"

    /// Headers the server owns: handler values for these are dropped.
    private static func isFramingHeader(_ name: String) -> Bool {
        HTTPHeaders.namesMatch(name, "Content-Length") || HTTPHeaders.namesMatch(name, "Transfer-Encoding")
            || HTTPHeaders.namesMatch(name, "Connection")
    }

    static func writeHead(
        status: HTTPStatus, headers: HTTPHeaders, framing: Framing, closes: Bool, requestVersion: HTTPVersion,
        date: String, serverName: String, into buffer: ByteBuffer
    ) {
        // RFC 9110 §6.2: a server sends its own highest version, 1.1, even to a 1.0 client.
        buffer.append("HTTP/1.1 " as StaticString)
        buffer.appendDecimal(status.code)
        buffer.append(" " as StaticString)
        buffer.append(status.reasonPhrase)
        buffer.append("\r\n" as StaticString)
        var hasDate = false, hasServer = false
        for field in headers where !isFramingHeader(field.name) {
            // A CR or LF in a handler value would split the response (RFC 9112 §11.1): drop the field.
            guard !field.name.utf8.contains(where: { !ASCII.isTokenCharacter($0) }),
                !field.value.utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf || $0 == 0 })
            else { continue }
            if HTTPHeaders.namesMatch(field.name, "Date") { hasDate = true }
            if HTTPHeaders.namesMatch(field.name, "Server") { hasServer = true }
            buffer.append(field.name)
            buffer.append(": " as StaticString)
            buffer.append(field.value)
            buffer.append("\r\n" as StaticString)
        }
        if !hasDate {
            buffer.append("Date: " as StaticString)
            buffer.append(date)
            buffer.append("\r\n" as StaticString)
        }
        if !hasServer {
            buffer.append("Server: " as StaticString)
            buffer.append(serverName)
            buffer.append("\r\n" as StaticString)
        }
        switch framing {
        case .contentLength(let length):
            // RFC 9110 §8.6: no Content-Length in 1xx or 204 responses.
            if status.code >= 200 && status.code != 204 {
                buffer.append("Content-Length: " as StaticString)
                buffer.appendDecimal(length)
                buffer.append("\r\n" as StaticString)
            }
        case .chunked:
            buffer.append("Transfer-Encoding: chunked\r\n" as StaticString)
        case .untilClose:
            break
        }
        if closes {
            buffer.append("Connection: close\r\n" as StaticString)
        } else if requestVersion == .http1_0 {
            buffer.append("Connection: keep-alive\r\n" as StaticString)
        }
        buffer.append("\r\n" as StaticString)
    }

    /// chunk = chunk-size CRLF chunk-data CRLF (RFC 9112 §7.1).
    static func writeChunk(_ data: Data, into buffer: ByteBuffer) {
        guard !data.isEmpty else { return }
        buffer.append(String(data.count, radix: 16) + "\r\n")
        buffer.append(data)
        buffer.append("\r\n")
    }
}
