import Foundation

/// Checks `Authorization: Bearer <key>` against the configured keys in constant time: every key is compared over
/// its full length, whatever matched, so response timing says nothing about how much of a key was right.
struct APIKeyAuthenticator: Sendable {
    private let keys: [[UInt8]]

    init(keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }
    }

    var isEnabled: Bool { !keys.isEmpty }

    func isAuthorized(authorizationHeader: String?) -> Bool {
        guard isEnabled else { return true }
        guard let header = authorizationHeader else { return false }
        // RFC 6750 §2.1: "Bearer" is case-insensitive, followed by one space and the token.
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        var matched = false
        for key in keys {
            matched = Self.constantTimeEquals(presented, key) || matched
        }
        return matched
    }

    /// Equal iff same length and same bytes, in time that depends only on the longer length.
    ///
    /// The length difference is kept at full width: folded into 8 bits (as it once was), lengths that
    /// differ by a multiple of 256 compared as equal, so a key followed by 256 NUL bytes matched.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        let count = max(a.count, b.count)
        for i in 0 ..< count {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }
}
