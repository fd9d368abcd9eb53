/// Engine settings, resolved by the executable and passed down explicitly.
public struct EngineOptions: Sendable, Equatable {
    /// OpenBLAS worker threads (process-wide; applied when a model is loaded).
    public var blasThreadCount: Int
    /// Borrow fp32 weights from the memory-mapped checkpoint instead of copying them.
    public var zeroCopyWeights: Bool

    public init(blasThreadCount: Int = 2, zeroCopyWeights: Bool = true) {
        self.blasThreadCount = blasThreadCount
        self.zeroCopyWeights = zeroCopyWeights
    }
}
