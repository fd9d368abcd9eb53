import Foundation

/// How a connection asks for HTTP/2 in cleartext: the client connection preface sent with prior
/// knowledge (RFC 9113 §3.4) or an HTTP/1.1 `Upgrade: h2c` request (RFC 7540 §3.2).
enum HTTP2Preface {
    /// "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    static let bytes: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    enum Match: Equatable {
        /// The input is a proper prefix of the preface: wait for more bytes.
        case partial
        /// The input starts with the whole preface.
        case complete
        /// Not HTTP/2: parse as HTTP/1.x.
        case mismatch
    }

    /// Compares at most 24 bytes; an HTTP/1.x request differs by its second byte at the latest.
    static func match(_ input: UnsafeBufferPointer<UInt8>) -> Match {
        let count = min(input.count, bytes.count)
        for index in 0..<count where input[index] != bytes[index] { return .mismatch }
        return count == bytes.count ? .complete : .partial
    }

    /// The decoded HTTP2-Settings payload when `head` is a valid h2c upgrade request: `Upgrade`
    /// lists `h2c`, `Connection` lists `Upgrade` and `HTTP2-Settings`, and exactly one
    /// `HTTP2-Settings` field holds base64url (RFC 4648 §5, unpadded) SETTINGS. Nil otherwise —
    /// the request is then served as HTTP/1.1, as §3.2 allows.
    static func upgradeSettings(_ head: HTTPRequestHead) -> [UInt8]? {
        let headers = head.headers
        guard head.version == .http1_1, headers.containsToken("h2c", inField: "Upgrade"),
            headers.containsToken("Upgrade", inField: "Connection"),
            headers.containsToken("HTTP2-Settings", inField: "Connection")
        else { return nil }
        let values = headers.values(named: "HTTP2-Settings")
        guard values.count == 1 else { return nil }
        return decodeBase64URL(values[0].trimmingOWS())
    }

    static func decodeBase64URL<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var standard = String(text).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map { Array($0) }
    }
}
