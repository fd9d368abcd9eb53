import CKernels

/// An `nn.Linear` weight [outFeatures, inFeatures] quantized to int8 for the AVX-512 VNNI GEMM:
/// symmetric per-output-channel scales (max|w_j| / 127), packed once at load (CKernels
/// `rk_quantize_pack_weight`). Activations are quantized per row at every call (dynamic,
/// asymmetric u8: min/max of the row); accumulation is int32, the result is rescaled to fp32 with
/// the bias (and the residual, when accumulating) fused.
///
/// Only available where `CPUFeatures.hasAVX512VNNI`; `init` returns nil elsewhere.
public final class Int8PackedMatrix: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    private let packed: UnsafeMutableRawBufferPointer  // int8 panels [n/32][k/4][32][4]
    private let scales: [Float]                         // [out]
    private let columnSums: [Int32]                     // [out]: Σ_k of each int8 row

    /// Quantizes and packs `weight` [outFeatures, inFeatures]. Nil when the CPU lacks AVX-512 VNNI.
    public init?(weight: UnsafePointer<Float>, outFeatures: Int, inFeatures: Int) {
        guard CPUFeatures.hasAVX512VNNI, outFeatures > 0, inFeatures > 0 else { return nil }
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        let byteCount = rk_qpacked_weight_bytes(Int32(outFeatures), Int32(inFeatures))
        packed = UnsafeMutableRawBufferPointer(
            start: AlignedMemory.allocate(byteCount: byteCount, alignment: 64).pointer, count: byteCount)
        var scales = [Float](repeating: 0, count: outFeatures)
        var sums = [Int32](repeating: 0, count: outFeatures)
        rk_quantize_pack_weight(weight, Int32(outFeatures), Int32(inFeatures),
                                packed.baseAddress!.assumingMemoryBound(to: Int8.self), &scales, &sums)
        self.scales = scales
        columnSums = sums
    }

    deinit { AlignedMemory.deallocate(packed.baseAddress!, byteCount: packed.count) }

    /// Floats of `scratch` one `multiply` over `rows` rows needs (quantized rows, scales, offsets).
    public func scratchCount(rows: Int) -> Int {
        let rowBytes = (inFeatures + 3) / 4 * 4
        return (rows * rowBytes + 3) / 4 + 2 * rows
    }

    /// y [rows, out] ≈ x [rows, in] · Wᵀ + bias (+ y when `accumulate`), through int8.
    ///
    /// `scratch` must hold `scratchCount(rows:)` floats. With `threads` > 1 and enough work the
    /// output columns are split across threads after the activations are quantized once.
    public func multiply(
        _ x: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
        into y: UnsafeMutablePointer<Float>, accumulate: Bool = false,
        scratch: UnsafeMutablePointer<Float>, threads: Int = 1
    ) {
        guard rows > 0 else { return }
        let rowBytes = (inFeatures + 3) / 4 * 4
        let rowScales = scratch, rowOffsets = scratch + rows  // [rows] each
        let quantized = UnsafeMutableRawPointer(scratch + 2 * rows).assumingMemoryBound(to: UInt8.self)  // [rows, rowBytes]
        let (m, n, k) = (Int32(rows), Int32(outFeatures), Int32(inFeatures))
        rk_quantize_rows(x, m, k, k, quantized, Int32(rowBytes), rowScales, rowOffsets)
        let weights = UnsafePointer(packed.baseAddress!.assumingMemoryBound(to: Int8.self))
        let panels = (outFeatures + 31) / 32
        // int8 is ~4x the fp32 rate, so a second thread pays off only past ~16 M multiply-adds.
        let parts = min(threads, panels, max(1, rows * outFeatures * inFeatures / 8_000_000))
        scales.withUnsafeBufferPointer { scales in
            columnSums.withUnsafeBufferPointer { sums in
                let (scales, sums) = (scales.baseAddress!, sums.baseAddress!)
                Parallel.forEach(iterations: parts) { part in
                    let begin = Int32(panels * part / parts * 32), end = Int32(min(panels * (part + 1) / parts * 32, outFeatures))
                    rk_qgemm_packed(m, n, k, quantized, Int32(rowBytes), rowScales, rowOffsets, weights, scales, sums,
                                    bias, y, n, accumulate ? 1 : 0, begin, end)
                }
            }
        }
    }
}
