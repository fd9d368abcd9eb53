import CKernels

/// An `nn.Linear` weight [outFeatures, inFeatures] packed once for the AVX-512 GEMM kernel, so
/// forward passes never re-pack the fixed weights (OpenBLAS packs B on every `sgemm` call; that
/// was a quarter of the encoder time at 1×64).
///
/// Layout: panels of 32 output columns, each [inFeatures, 32] contiguous (CKernels `rk_pack_weight`).
/// Only available where `CPUFeatures.hasAVX512`; `init` returns nil elsewhere and callers keep
/// the BLAS path.
public final class PackedMatrix: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    private let storage: UnsafeMutableBufferPointer<Float>

    /// Packs `weight` [outFeatures, inFeatures] (row-major). Nil when the CPU lacks AVX-512.
    public init?(weight: UnsafePointer<Float>, outFeatures: Int, inFeatures: Int) {
        guard CPUFeatures.hasAVX512, outFeatures > 0, inFeatures > 0 else { return nil }
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        storage = Tensor.allocateAligned(count: rk_packed_weight_count(Int32(outFeatures), Int32(inFeatures))).storage
        rk_pack_weight(weight, Int32(outFeatures), Int32(inFeatures), storage.baseAddress!)
    }

    deinit { Tensor.deallocateAligned(storage) }

    /// A copy of the weight in its original [outFeatures, inFeatures] layout (callers that fuse
    /// already-packed linears; the packed layout is lossless).
    public func unpacked() -> Tensor {
        let tensor = Tensor(zeros: [outFeatures, inFeatures])
        let (source, destination) = (UnsafePointer(storage.baseAddress!), tensor.pointer)
        for row in 0..<outFeatures {
            // packed[panel][p][lane] = w[panel·32 + lane][p]
            let panel = source + (row / 32) * 32 * inFeatures + row % 32
            for p in 0..<inFeatures { destination[row * inFeatures + p] = panel[p * 32] }
        }
        return tensor
    }

    /// y [rows, out] = x [rows, in] · Wᵀ + bias (+ y when `accumulate`, the residual add).
    ///
    /// With `threads` > 1 and enough work, the output columns are split across threads in
    /// 32-column panels (Dispatch's concurrentPerform; never the Swift cooperative pool's threads).
    public func multiply(
        _ x: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
        into y: UnsafeMutablePointer<Float>, accumulate: Bool = false, threads: Int = 1
    ) {
        guard rows > 0 else { return }
        let panels = (outFeatures + 31) / 32
        // Below ~4 MFLOP a second thread costs more in wake-up than it saves.
        let parts = min(threads, panels, max(1, rows * outFeatures * inFeatures / 2_000_000))
        let packed = UnsafePointer(storage.baseAddress!)
        let (m, n, k) = (Int32(rows), Int32(outFeatures), Int32(inFeatures))
        if parts <= 1 {
            rk_sgemm_packed(m, n, k, x, k, packed, bias, y, n, accumulate ? 1 : 0, 0, n)
            return
        }
        Parallel.forEach(iterations: parts) { part in
            let begin = Int32(panels * part / parts * 32), end = Int32(min(panels * (part + 1) / parts * 32, outFeatures))
            rk_sgemm_packed(m, n, k, x, k, packed, bias, y, n, accumulate ? 1 : 0, begin, end)
        }
    }
}
