/// Engine settings, resolved by the executable and passed down explicitly.
public struct EngineOptions: Sendable, Equatable {
    /// Arithmetic of the encoder's linear layers.
    public enum Precision: String, Sendable, Equatable, CaseIterable {
        /// fp32 everywhere (the reference; parity fixtures hold at 1e-4).
        case fp32
        /// int8 weights (per-channel) and activations (dynamic per row) in the encoder's linear
        /// layers, on AVX-512 VNNI CPUs; attention, softmax, LayerNorm, pooler and classifier stay
        /// fp32. On CPUs without VNNI the model runs in fp32.
        case int8
    }

    /// OpenBLAS worker threads (process-wide; applied when a model is loaded), also the threads the
    /// packed GEMMs and attention split across.
    public var blasThreadCount: Int
    /// Borrow fp32 weights from the memory-mapped checkpoint instead of copying them.
    public var zeroCopyWeights: Bool
    /// Linear-layer arithmetic (see `Precision`).
    public var precision: Precision
    /// Causal LMs with block-quantized weights (GGUF Q4_0/Q4_1/Q8_0): decode steps quantize the activations
    /// to int8 blocks and use VNNI integer dot products, as llama.cpp does (4× less CPU per SmolLM2 decode step;
    /// its top logits move by up to ~0.1). false keeps fp32 activations, the exact reference the parity fixtures
    /// pin at 1e-3. Prompt prefill keeps fp32 activations either way.
    public var quantizedActivations: Bool

    public init(blasThreadCount: Int = 2, zeroCopyWeights: Bool = true, precision: Precision = .fp32,
                quantizedActivations: Bool = true) {
        self.blasThreadCount = blasThreadCount
        self.zeroCopyWeights = zeroCopyWeights
        self.precision = precision
        self.quantizedActivations = quantizedActivations
    }
}
