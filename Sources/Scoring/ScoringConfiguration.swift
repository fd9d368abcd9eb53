import Architectures
import Foundation

/// What to do with an input longer than the model's window.
public enum LongInputPolicy: String, Sendable, CaseIterable, Codable {
    /// Score overlapping windows and report the maximum (the default: nothing is silently cut).
    case slidingWindow = "window"
    /// Keep the head (tokenizer-style truncation) and report `truncated: true`.
    case truncate
}

/// What a non-finite score or a failed forward pass turns into.
public enum FailurePolicy: String, Sendable, CaseIterable, Codable {
    /// Flag the input (a guard that cannot judge blocks). The default.
    case closed
    /// Pass the input (for deployments that prefer availability).
    case open
}

/// Tuning of the scorer: batching, admission, long inputs and failure handling. Every field has a documented default.
public struct ScoringConfiguration: Sendable, Equatable {
    /// OpenBLAS threads used by the inference worker. Default 2 (this machine's cores).
    public var threads: Int
    /// Most padded tokens (batch size × longest window) in one forward pass. Default 8192.
    public var maxBatchTokens: Int
    /// Most windows in one forward pass. Default 32.
    public var maxBatchSize: Int
    /// Most windows waiting in the queue before new requests get `overloaded`. Default 2048.
    public var maxQueuedWindows: Int
    /// Most inputs in one batch request. Default 64.
    public var maxInputsPerRequest: Int
    /// Most windows scored per input; longer inputs are cut and reported `truncated`. Default 64.
    public var maxWindowsPerInput: Int
    /// Window length in tokens including special tokens; nil = the model's `rampart.json` `max_length`, else 512
    /// capped by the model's position table.
    public var maxLength: Int?
    /// Long-input handling. Default `.slidingWindow`.
    public var longInputPolicy: LongInputPolicy
    /// Flag threshold on P(unsafe); nil = the model's `rampart.json` threshold, else 0.5.
    public var threshold: Double?
    /// Non-finite scores and failed passes: `.closed` (flag) by default.
    public var failurePolicy: FailurePolicy
    /// Per-request deadline from submission. Default 30 s.
    public var requestTimeout: Duration
    /// Arithmetic of the encoder's linear layers: fp32 (default) or int8 (AVX-512 VNNI; fp32 elsewhere).
    public var precision: EngineOptions.Precision

    public init(
        threads: Int = 2,
        maxBatchTokens: Int = 8192,
        maxBatchSize: Int = 32,
        maxQueuedWindows: Int = 2048,
        maxInputsPerRequest: Int = 64,
        maxWindowsPerInput: Int = 64,
        maxLength: Int? = nil,
        longInputPolicy: LongInputPolicy = .slidingWindow,
        threshold: Double? = nil,
        failurePolicy: FailurePolicy = .closed,
        requestTimeout: Duration = .seconds(30),
        precision: EngineOptions.Precision = .fp32
    ) {
        self.threads = threads
        self.maxBatchTokens = maxBatchTokens
        self.maxBatchSize = maxBatchSize
        self.maxQueuedWindows = maxQueuedWindows
        self.maxInputsPerRequest = maxInputsPerRequest
        self.maxWindowsPerInput = maxWindowsPerInput
        self.maxLength = maxLength
        self.longInputPolicy = longInputPolicy
        self.threshold = threshold
        self.failurePolicy = failurePolicy
        self.requestTimeout = requestTimeout
        self.precision = precision
    }
}
