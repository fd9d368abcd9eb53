/// Settings of an `HTTPServer`. Every limit answers a hostile or broken client with the status
/// named below and then closes the connection.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Address to bind; `0.0.0.0` or `::` for all interfaces. Default `127.0.0.1`.
    public var host: String
    /// TCP port; 0 picks an ephemeral port (read it from `HTTPServer.boundPort`). Default 8080.
    public var port: Int
    /// listen(2) backlog. Default 512.
    public var backlog: Int
    /// Open connections beyond this are answered 503 and closed. Default 1024.
    public var maxConnections: Int
    /// Longest request line (method, target, version): 414 beyond. Default 8 KiB.
    public var maxRequestLineBytes: Int
    /// Largest header section after the request line (also trailers): 431 beyond. Default 16 KiB.
    public var maxHeaderBytes: Int
    /// Most header field lines: 431 beyond. Default 100.
    public var maxHeaderCount: Int
    /// Largest request body (after de-chunking): 413 beyond. Default 2 MiB.
    public var maxBodyBytes: Int
    /// Time from the first byte of a request to the end of its header section: 408 beyond
    /// (slowloris). Also how long a new connection may stay silent. Default 10 s.
    public var headerTimeout: Duration
    /// Time from the end of the header section to the end of the body: 408 beyond. Default 30 s.
    public var bodyTimeout: Duration
    /// How long a keep-alive connection may sit idle between requests before it is closed. Default 60 s.
    public var idleTimeout: Duration
    /// How long pending output may make no progress (a client that stopped reading) before the
    /// connection is dropped. Default 30 s.
    public var writeTimeout: Duration
    /// Requests read ahead on one connection while earlier responses are pending; reading pauses
    /// beyond. Default 16.
    public var maxPipelinedRequests: Int
    /// Value of the `Server` response header. Default `rampart`.
    public var serverName: String
    /// Whether cleartext HTTP/2 is served on the same port (prior knowledge and `Upgrade: h2c`).
    /// Default true.
    public var isHTTP2Enabled: Bool
    /// SETTINGS_MAX_CONCURRENT_STREAMS advertised on HTTP/2 connections. Default 100.
    public var http2MaxConcurrentStreams: Int
    /// RST_STREAM frames a client may send per `http2ResetWindow` before GOAWAY ENHANCE_YOUR_CALM
    /// ends the connection (CVE-2023-44487). Default 200 per 10 s.
    public var http2MaxResetsPerWindow: Int
    public var http2ResetWindow: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        backlog: Int = 512,
        maxConnections: Int = 1024,
        maxRequestLineBytes: Int = 8 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 2 * 1024 * 1024,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        writeTimeout: Duration = .seconds(30),
        maxPipelinedRequests: Int = 16,
        serverName: String = "rampart",
        isHTTP2Enabled: Bool = true,
        http2MaxConcurrentStreams: Int = 100,
        http2MaxResetsPerWindow: Int = 200,
        http2ResetWindow: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.maxConnections = maxConnections
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxPipelinedRequests = maxPipelinedRequests
        self.serverName = serverName
        self.isHTTP2Enabled = isHTTP2Enabled
        self.http2MaxConcurrentStreams = http2MaxConcurrentStreams
        self.http2MaxResetsPerWindow = http2MaxResetsPerWindow
        self.http2ResetWindow = http2ResetWindow
    }

    /// Throws `HTTPServerError.invalidConfiguration` naming the first field out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ rule: String) throws {
            if !condition { throw HTTPServerError.invalidConfiguration(field: field, reason: rule) }
        }
        try require((0...65535).contains(port), "port", "must be in 0...65535 (0 = ephemeral)")
        try require(backlog > 0, "backlog", "must be positive")
        try require(maxConnections > 0, "maxConnections", "must be positive")
        try require(maxRequestLineBytes >= 16, "maxRequestLineBytes", "must be at least 16")
        try require(maxHeaderBytes >= 64, "maxHeaderBytes", "must be at least 64")
        try require(maxHeaderCount > 0, "maxHeaderCount", "must be positive")
        try require(maxBodyBytes >= 0, "maxBodyBytes", "must not be negative")
        try require(maxPipelinedRequests > 0, "maxPipelinedRequests", "must be positive")
        try require(
            (1...Int(Int32.max)).contains(http2MaxConcurrentStreams), "http2MaxConcurrentStreams",
            "must be in 1...2147483647")
        try require(http2MaxResetsPerWindow > 0, "http2MaxResetsPerWindow", "must be positive")
        try require(http2ResetWindow > .zero, "http2ResetWindow", "must be positive")
        for (name, value) in [
            ("headerTimeout", headerTimeout), ("bodyTimeout", bodyTimeout), ("idleTimeout", idleTimeout),
            ("writeTimeout", writeTimeout),
        ] {
            try require(value > .zero, name, "must be positive")
        }
        try require(
            !serverName.isEmpty && serverName.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "serverName",
            "must be non-empty visible ASCII")
    }
}
