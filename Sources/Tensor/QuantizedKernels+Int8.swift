import CKernels

/// The decode-step products with int8-quantized activations (llama.cpp's scheme), on the C VNNI kernels
/// (`rk_quantize_q8_blocks`, `rk_qmatvec`). The fp32-activation `matVec` stays the exact reference.
extension QuantizedKernels {
    /// Whether `matVecInt8` handles `format` on this CPU (Q4_0, Q4_1, Q8_0 with AVX-512 VNNI).
    public static func supportsInt8Activations(_ format: QuantizedFormat) -> Bool {
        hasVNNI && cFormat(format) != nil
    }

    static let hasVNNI = rk_cpu_has_avx512_vnni() != 0

    /// Weights per worker below which `matVecInt8` stays on the calling thread (by default).
    public static let minimumWeightsPerWorker = 1 << 22

    static func cFormat(_ format: QuantizedFormat) -> Int32? {
        switch format {
        case .q4_0: return RK_Q4_0
        case .q4_1: return RK_Q4_1
        case .q8_0: return RK_Q8_0
        case .f32, .f16: return nil
        }
    }

    /// y [vectors, w.rows] = x [vectors, w.columns] · wᵀ with x quantized per block of 32 to int8.
    /// `scratch` holds the quantized activations; `threads` splits the rows across Dispatch workers when each
    /// gets at least `minimumWeightsPerWorker` weights.
    public static func matVecInt8(
        _ w: QuantizedMatrix, x: UnsafePointer<Float>, vectors: Int,
        into y: UnsafeMutablePointer<Float>, scratch: ScratchBuffer, threads: Int = 1,
        minimumWeightsPerWorker: Int = QuantizedKernels.minimumWeightsPerWorker
    ) {
        guard let format = cFormat(w.format) else { preconditionFailure("matVecInt8 on \(w.format)") }
        let n = w.columns, blocks = n / 32
        // [vectors, n] int8, then [vectors, blocks] scales d and [vectors, blocks] sums s (floats).
        let quantBytes = (vectors * n + 63) & ~63
        let base = UnsafeMutableRawPointer(scratch.reserve(quantBytes / 4 + 2 * vectors * blocks))
        let xq = base.assumingMemoryBound(to: Int8.self)
        let xd = (base + quantBytes).assumingMemoryBound(to: Float.self)
        let xs = xd + vectors * blocks
        for v in 0..<vectors {
            rk_quantize_q8_blocks(x + v * n, Int32(n), xq + v * n, xd + v * blocks, xs + v * blocks)
        }
        // Rows split across workers (each writes disjoint rows of y) only when each gets ≥ 4M weights: a Dispatch
        // fork-join costs tens of µs, as much as a whole 576×1536 Q4 product, so splitting every layer's matvecs made
        // 2-thread decoding slower than 1 thread (SmolLM2: 63.5 vs 81.9 tok/s); only the LM head is worth it.
        let minimumRows = Swift.max(1, minimumWeightsPerWorker / Swift.max(1, w.columns))
        Parallel.forEachChunk(of: w.rows, threads: threads, minimumChunk: minimumRows) { rows in
            rk_qmatvec(format, w.data, w.rowBytes, Int32(n), Int32(rows.lowerBound), Int32(rows.upperBound),
                       xq, xd, xs, Int32(vectors), y, Int32(w.rows))
        }
    }
}
