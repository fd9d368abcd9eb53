import Foundation

/// A complete HTTP request as parsed from the connection: head and the whole (de-chunked) body.
public struct HTTPRequest: Sendable {
    /// One `name=value` pair of the query string, percent-decoded (`+` reads as a space).
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var method: HTTPMethod
    /// The path of the request target, as sent (not percent-decoded), e.g. `/v1/score`.
    /// For an absolute-form target (RFC 9112 §3.2.2) this is its path; for `OPTIONS *` it is `*`.
    public var path: String
    /// The query string without the leading `?`, or nil when the target has none.
    public var query: String?
    public var headers: HTTPHeaders
    /// The content, with any chunked transfer coding removed (RFC 9112 §7.1).
    public var body: Data
    public var version: HTTPVersion
    /// The peer as `ip:port` (`[ip]:port` for IPv6).
    public var remoteAddress: String

    public init(
        method: HTTPMethod, path: String, query: String? = nil, headers: HTTPHeaders = HTTPHeaders(),
        body: Data = Data(), version: HTTPVersion = .http1_1, remoteAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.version = version
        self.remoteAddress = remoteAddress
    }

    /// The first value of the header `name` (case-insensitive), or nil.
    public func header(named name: String) -> String? { headers[name] }

    /// The query string split into percent-decoded items, in order.
    public var queryItems: [QueryItem] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decodeQueryComponent(parts[0])
            let value = parts.count > 1 ? Self.decodeQueryComponent(parts[1]) : ""
            return QueryItem(name: name, value: value)
        }
    }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
