import CKernels
import Foundation

/// Vectorized fp32 kernels used by the transformer forward pass. All operate in place on
/// contiguous row-major memory unless stated otherwise. Each has a naive twin in
/// `ReferenceKernels`, and TensorTests compares them with a normalised error.
public enum Kernels {
    private typealias V = VectorMath.Vector
    private static let w = VectorMath.width

    /// Layer normalisation over the last dimension: x = (x - mean) / sqrt(var + epsilon) · gamma + beta.
    /// x [rows, cols]; gamma, beta [cols]. Variance is the biased one, as `torch.nn.LayerNorm`.
    public static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        if CPUFeatures.hasAVX512 {
            rk_layer_norm(x, Int32(rows), Int32(cols), gamma, beta, epsilon)
        } else {
            layerNormPortable(x, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: epsilon)
        }
    }

    /// The SIMD8 Swift LayerNorm (any CPU); `layerNorm` uses it where AVX-512 is missing.
    static func layerNormPortable(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let vecEnd = cols - cols % w
        for r in 0..<rows {
            let row = x + r * cols
            var acc = V.zero
            var i = 0
            while i < vecEnd { acc += VectorMath.load(row + i); i += w }
            var total = acc.sum()
            while i < cols { total += row[i]; i += 1 }
            let mean = total / Float(cols)

            var accSq = V.zero
            let meanV = V(repeating: mean)
            i = 0
            while i < vecEnd { let d = VectorMath.load(row + i) - meanV; accSq += d * d; i += w }
            var totalSq = accSq.sum()
            while i < cols { let d = row[i] - mean; totalSq += d * d; i += 1 }
            let rstd = 1 / (totalSq / Float(cols) + epsilon).squareRoot()

            let rstdV = V(repeating: rstd)
            i = 0
            while i < vecEnd {
                let y = (VectorMath.load(row + i) - meanV) * rstdV * VectorMath.load(gamma + i)
                    + VectorMath.load(beta + i)
                VectorMath.store(y, to: row + i)
                i += w
            }
            while i < cols { row[i] = (row[i] - mean) * rstd * gamma[i] + beta[i]; i += 1 }
        }
    }

    /// Numerically stable softmax of each row over its first `validCount` entries (the max is
    /// subtracted first); entries at or past `validCount` are masked and set to exactly 0.
    /// x [rows, cols]. A row with `validCount == 0` becomes all zeros.
    public static func softmax(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, validCount: Int
    ) {
        let valid = min(max(validCount, 0), cols)
        let vecEnd = valid - valid % w
        for r in 0..<rows {
            let row = x + r * cols
            if valid < cols { (row + valid).update(repeating: 0, count: cols - valid) }
            guard valid > 0 else { continue }
            var maxV = V(repeating: -.infinity)
            var i = 0
            while i < vecEnd { maxV = VectorMath.maximum(maxV, VectorMath.load(row + i)); i += w }
            var rowMax = maxV.max()
            while i < valid { rowMax = max(rowMax, row[i]); i += 1 }

            let maxSplat = V(repeating: rowMax)
            var acc = V.zero
            i = 0
            while i < vecEnd {
                let e = VectorMath.exp(VectorMath.load(row + i) - maxSplat)
                VectorMath.store(e, to: row + i)
                acc += e
                i += w
            }
            var total = acc.sum()
            while i < valid { let e = Foundation.exp(row[i] - rowMax); row[i] = e; total += e; i += 1 }

            let inv = V(repeating: 1 / total)
            i = 0
            while i < vecEnd { VectorMath.store(VectorMath.load(row + i) * inv, to: row + i); i += w }
            while i < valid { row[i] *= inv[0]; i += 1 }
        }
    }

    /// GELU with the exact erf form, as PyTorch's default `F.gelu`: x · ½ (1 + erf(x / √2)).
    public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        if CPUFeatures.hasAVX512 { rk_gelu_erf(x, count) } else { geluPortable(x, count: count) }
    }

    /// The SIMD8 Swift GELU (any CPU); `gelu` uses it where AVX-512 is missing.
    static func geluPortable(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let vecEnd = count - count % w
        let invSqrt2: Float = 0.707_106_781_186_547_5
        var i = 0
        while i < vecEnd {
            let v = VectorMath.load(x + i)
            VectorMath.store(0.5 * v * (1 + VectorMath.erf(v * invSqrt2)), to: x + i)
            i += w
        }
        while i < count { x[i] = 0.5 * x[i] * (1 + Foundation.erf(x[i] * invSqrt2)); i += 1 }
    }

    /// GELU with the tanh approximation (`gelu_new`, `gelu_pytorch_tanh`):
    /// ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))).
    public static func geluTanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let vecEnd = count - count % w
        let c: Float = 0.797_884_560_802_865_4
        var i = 0
        while i < vecEnd {
            let v = VectorMath.load(x + i)
            let inner = c * (v + 0.044_715 * v * v * v)
            VectorMath.store(0.5 * v * (1 + VectorMath.tanh(inner)), to: x + i)
            i += w
        }
        while i < count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044_715 * v * v * v)))
            i += 1
        }
    }

    /// Converts `count` IEEE half-precision values at `source` (any alignment) to fp32 — the
    /// safetensors F16 load path (vcvtph2ps 16 at a time where AVX-512 is available).
    public static func convertFloat16(_ source: UnsafeRawPointer, to destination: UnsafeMutablePointer<Float>, count: Int) {
        if CPUFeatures.hasAVX512 {
            rk_f16_to_f32(source, destination, count)
        } else {
            for i in 0..<count {
                destination[i] = Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        }
    }

    /// ReLU: max(x, 0).
    public static func relu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count where x[i] < 0 { x[i] = 0 }
    }

    /// Hyperbolic tangent.
    public static func tanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let vecEnd = count - count % w
        var i = 0
        while i < vecEnd { VectorMath.store(VectorMath.tanh(VectorMath.load(x + i)), to: x + i); i += w }
        while i < count { x[i] = Foundation.tanh(x[i]); i += 1 }
    }

    /// Adds `bias` [cols] to every row of x [rows, cols].
    public static func addBias(
        _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, bias: UnsafePointer<Float>
    ) {
        let vecEnd = cols - cols % w
        for r in 0..<rows {
            let row = x + r * cols
            var i = 0
            while i < vecEnd { VectorMath.store(VectorMath.load(row + i) + VectorMath.load(bias + i), to: row + i); i += w }
            while i < cols { row[i] += bias[i]; i += 1 }
        }
    }

    /// Residual add: x += y, elementwise over `count` floats.
    public static func add(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
        let vecEnd = count - count % w
        var i = 0
        while i < vecEnd { VectorMath.store(VectorMath.load(x + i) + VectorMath.load(y + i), to: x + i); i += w }
        while i < count { x[i] += y[i]; i += 1 }
    }

    /// Mean over the first `validCount` rows of x [rows, cols] into out [cols] (the
    /// sentence-transformers mean pooling with an attention mask). `validCount == 0` gives zeros.
    public static func meanPool(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, validCount: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        let valid = min(max(validCount, 0), rows)
        out.update(repeating: 0, count: cols)
        guard valid > 0 else { return }
        for r in 0..<valid { add(out, x + r * cols, count: cols) }
        let inv = 1 / Float(valid)
        for c in 0..<cols { out[c] *= inv }
    }
}
