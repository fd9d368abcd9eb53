import ModelIO
import Tensor

/// An `nn.Linear`: weight [outFeatures, inFeatures], bias [outFeatures], bound from
/// `<prefix>.weight` / `<prefix>.bias`.
struct LinearWeights: @unchecked Sendable {
    /// [out, in] in fp32, kept only for the BLAS path: once packed, the packed copy is the only one
    /// (for F16/BF16 checkpoints the converted fp32 copy would otherwise double the resident weights).
    let weight: Tensor?
    let bias: Tensor    // [out]
    let inFeatures: Int
    let outFeatures: Int
    /// The weight packed for the AVX-512 GEMM (nil on other CPUs, when not asked to pack, or int8).
    let packed: PackedMatrix?
    /// The weight quantized for the int8 VNNI GEMM (only with `.int8` on a VNNI CPU).
    let quantized: Int8PackedMatrix?

    /// Binds the weights; `pack` (default) also packs them for the AVX-512 GEMM (fp32) or the
    /// VNNI GEMM (`precision == .int8`) where the CPU has it.
    init(prefix: String, inFeatures: Int, outFeatures: Int, weights: WeightStore, pack: Bool = true,
         precision: EngineOptions.Precision = .fp32) throws {
        let weight = try weights.tensor("\(prefix).weight", shape: [outFeatures, inFeatures])
        bias = try weights.tensor("\(prefix).bias", shape: [outFeatures])
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        (packed, quantized) = pack ? Self.pack(weight, outFeatures: outFeatures, inFeatures: inFeatures, precision: precision)
            : (nil, nil)
        self.weight = packed == nil && quantized == nil ? weight : nil
    }

    private static func pack(
        _ weight: Tensor, outFeatures: Int, inFeatures: Int, precision: EngineOptions.Precision
    ) -> (PackedMatrix?, Int8PackedMatrix?) {
        if precision == .int8, let quantized = Int8PackedMatrix(weight: weight.pointer, outFeatures: outFeatures, inFeatures: inFeatures) {
            return (nil, quantized)
        }
        return (PackedMatrix(weight: weight.pointer, outFeatures: outFeatures, inFeatures: inFeatures), nil)
    }

    /// Concatenates linears that read the same input along the output dimension (Q, K, V → QKV),
    /// so one GEMM computes them all.
    init(concatenating parts: [LinearWeights], precision: EngineOptions.Precision = .fp32) {
        let inFeatures = parts[0].inFeatures
        precondition(parts.allSatisfy { $0.inFeatures == inFeatures }, "fused linears must share inFeatures")
        let outFeatures = parts.map(\.outFeatures).reduce(0, +)
        let weight = Tensor(zeros: [outFeatures, inFeatures])
        bias = Tensor(zeros: [outFeatures])
        var row = 0
        for part in parts {
            let partWeight = part.unpackedWeight
            (weight.pointer + row * inFeatures).update(from: partWeight.pointer, count: partWeight.count)
            (bias.pointer + row).update(from: part.bias.pointer, count: part.outFeatures)
            row += part.outFeatures
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        (packed, quantized) = Self.pack(weight, outFeatures: outFeatures, inFeatures: inFeatures, precision: precision)
        self.weight = packed == nil && quantized == nil ? weight : nil
    }

    /// The fp32 weight: kept when not packed (the BLAS path), else rebuilt from the fp32 packing
    /// (fusing linears that were packed on their own, as DeBERTa's Q/K/V).
    private var unpackedWeight: Tensor {
        if let weight { return weight }
        if let packed { return packed.unpacked() }
        preconditionFailure("LinearWeights: int8 linears cannot be fused after quantization; bind the parts with pack: false")
    }

    /// Floats of scratch `forward` needs for `rows` rows (int8 activations; 0 in fp32).
    func scratchCount(rows: Int) -> Int { quantized?.scratchCount(rows: rows) ?? 0 }

    /// y [rows, out] = x [rows, in] · Wᵀ + b.
    @inline(__always)
    func forward(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 1,
                 scratch: UnsafeMutablePointer<Float>? = nil) {
        if let quantized {
            guard let scratch else { preconditionFailure("LinearWeights: int8 forward needs activation scratch") }
            quantized.multiply(x, rows: rows, bias: bias.pointer, into: y, scratch: scratch, threads: threads)
            return
        }
        if let packed {
            packed.multiply(x, rows: rows, bias: bias.pointer, into: y, threads: threads)
            return
        }
        BLAS.linear(x, rows: rows, inFeatures: inFeatures, weight: unpackedWeight.pointer, outFeatures: outFeatures, into: y)
        Kernels.addBias(y, rows: rows, cols: outFeatures, bias: bias.pointer)
    }

    /// y [rows, out] += x · Wᵀ + b (the residual connection folded into the GEMM's beta = 1).
    @inline(__always)
    func forwardAccumulating(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 1,
                             scratch: UnsafeMutablePointer<Float>? = nil) {
        if let quantized {
            guard let scratch else { preconditionFailure("LinearWeights: int8 forward needs activation scratch") }
            quantized.multiply(x, rows: rows, bias: bias.pointer, into: y, accumulate: true, scratch: scratch, threads: threads)
            return
        }
        if let packed {
            packed.multiply(x, rows: rows, bias: bias.pointer, into: y, accumulate: true, threads: threads)
            return
        }
        Kernels.addBias(y, rows: rows, cols: outFeatures, bias: bias.pointer)
        BLAS.linear(x, rows: rows, inFeatures: inFeatures, weight: unpackedWeight.pointer, outFeatures: outFeatures,
                    into: y, accumulate: true)
    }
}
