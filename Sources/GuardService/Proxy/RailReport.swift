import Foundation
import Scoring

/// The `rampart` object added to proxied answers: each rail's verdict.
struct RailReport: Encodable, Sendable {
    /// One rail's verdict: the scorer's fields of its highest-scoring check (as `/v1/score` reports them) plus
    /// what the rail did.
    struct Verdict: Encodable, Sendable {
        var action: RailAction
        /// True when this rail stopped the exchange.
        var blocked: Bool
        /// Checks run (the output rail checks a streamed answer several times).
        var checks: Int
        /// The highest-scoring check; nil when no check ran (empty answer) or checks failed.
        var result: ScoreResult?
        /// Why the rail decided without a score (a failed check under the fail-closed policy).
        var error: String?

        var isFlagged: Bool { result?.isFlagged ?? false }

        func encode(to encoder: any Encoder) throws {
            if let result { try ScoreResultBody(result, model: nil).encode(to: encoder) }
            var c = encoder.container(keyedBy: CodingKeys.self)
            if result == nil { try c.encode(blocked, forKey: .flagged) }
            try c.encode(action.rawValue, forKey: .action)
            try c.encode(blocked, forKey: .blocked)
            try c.encode(checks, forKey: .checks)
            try c.encodeIfPresent(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey { case action, blocked, checks, error, flagged }

        /// Keeps the higher-scoring of two checks.
        mutating func merge(_ next: ScoreResult) {
            checks += 1
            if result == nil || next.score > result!.score { result = next }
        }
    }

    var model: String
    var input: Verdict?
    var output: Verdict?

    /// This report as JSON bytes.
    var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// `object` (a JSON object's bytes) with `"rampart": <report>` added before its closing brace, every other byte
    /// unchanged; nil when `object` is not a JSON object.
    func splice(into object: Data) -> Data? {
        let bytes = [UInt8](object)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        guard let open = bytes.firstIndex(where: { !isSpace($0) }), bytes[open] == UInt8(ascii: "{"),
              let close = bytes.lastIndex(where: { !isSpace($0) }), close > open, bytes[close] == UInt8(ascii: "}")
        else { return nil }
        var out = Data(bytes[..<close])
        if !bytes[(open + 1) ..< close].allSatisfy(isSpace) { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: Data(#""rampart":"#.utf8))
        out.append(json)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

