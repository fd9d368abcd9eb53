/// Settings of the generation worker, resolved by the executable.
public struct GenerationConfiguration: Sendable, Equatable {
    /// Requests waiting beyond the one running; more are refused as overloaded.
    public var maxQueued: Int
    /// Deadline per request, from submission (queueing included).
    public var timeout: Duration
    /// α used when a request asks for ACD without giving one (paper: 0.4–0.5).
    public var defaultAlpha: Float

    public init(maxQueued: Int = 8, timeout: Duration = .seconds(120), defaultAlpha: Float = 0.5) {
        self.maxQueued = maxQueued
        self.timeout = timeout
        self.defaultAlpha = defaultAlpha
    }
}
