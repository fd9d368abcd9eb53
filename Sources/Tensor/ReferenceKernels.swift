import Foundation

/// Naive, obviously-correct versions of `Kernels`, on arrays and in double precision where that
/// helps. They exist so tests can measure the vectorized kernels against a trusted reference.
public enum ReferenceKernels {
    /// C = op(A) · op(B) with row-major arrays; op(A) [m, k], op(B) [k, n].
    public static func matmul(
        _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    acc += Double(av) * Double(bv)
                }
                c[i * n + j] = Float(acc)
            }
        }
        return c
    }

    /// softmax(scale · Q_h K_hᵀ) V_h per head for one sequence; qkv [length, 3·heads·d] rows
    /// (Q | K | V), result [length, heads·d]. Double accumulation.
    public static func attention(_ qkv: [Float], length: Int, heads: Int, headSize d: Int, scale: Float) -> [Float] {
        let h = heads * d
        var out = [Float](repeating: 0, count: length * h)
        for head in 0..<heads {
            for i in 0..<length {
                var scores = (0..<length).map { j -> Double in
                    var dot = 0.0
                    for e in 0..<d { dot += Double(qkv[i * 3 * h + head * d + e]) * Double(qkv[j * 3 * h + h + head * d + e]) }
                    return dot * Double(scale)
                }
                let top = scores.max() ?? 0
                scores = scores.map { Foundation.exp($0 - top) }
                let total = scores.reduce(0, +)
                for e in 0..<d {
                    var acc = 0.0
                    for j in 0..<length { acc += scores[j] / total * Double(qkv[j * 3 * h + 2 * h + head * d + e]) }
                    out[i * h + head * d + e] = Float(acc)
                }
            }
        }
        return out
    }

    public static func layerNorm(
        _ x: [Float], rows: Int, cols: Int, gamma: [Float], beta: [Float], epsilon: Float
    ) -> [Float] {
        var out = x
        for r in 0..<rows {
            let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init)
            let mean = row.reduce(0, +) / Double(cols)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cols)
            let rstd = 1 / (variance + Double(epsilon)).squareRoot()
            for c in 0..<cols {
                out[r * cols + c] = Float((row[c] - mean) * rstd * Double(gamma[c]) + Double(beta[c]))
            }
        }
        return out
    }

    public static func softmax(_ x: [Float], rows: Int, cols: Int, validCount: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        let valid = min(max(validCount, 0), cols)
        for r in 0..<rows where valid > 0 {
            let row = (0..<valid).map { Double(x[r * cols + $0]) }
            let m = row.max()!
            let e = row.map { Foundation.exp($0 - m) }
            let s = e.reduce(0, +)
            for c in 0..<valid { out[r * cols + c] = Float(e[c] / s) }
        }
        return out
    }

    public static func gelu(_ x: [Float]) -> [Float] {
        x.map { v in Float(0.5 * Double(v) * (1 + Foundation.erf(Double(v) / 2.0.squareRoot()))) }
    }

    public static func geluTanh(_ x: [Float]) -> [Float] {
        x.map { v in
            let d = Double(v)
            return Float(0.5 * d * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (d + 0.044715 * d * d * d))))
        }
    }

    public static func tanh(_ x: [Float]) -> [Float] { x.map { Float(Foundation.tanh(Double($0))) } }

    public static func addBias(_ x: [Float], rows: Int, cols: Int, bias: [Float]) -> [Float] {
        (0..<(rows * cols)).map { x[$0] + bias[$0 % cols] }
    }

    public static func add(_ x: [Float], _ y: [Float]) -> [Float] { zip(x, y).map { $0 + $1 } }

    public static func meanPool(_ x: [Float], rows: Int, cols: Int, validCount: Int) -> [Float] {
        let valid = min(max(validCount, 0), rows)
        guard valid > 0 else { return [Float](repeating: 0, count: cols) }
        return (0..<cols).map { c in
            Float((0..<valid).map { Double(x[$0 * cols + c]) }.reduce(0, +) / Double(valid))
        }
    }

    /// ‖actual − expected‖₂ / max(‖expected‖₂, tiny): the normalised error the kernel tests bound.
    public static func normalisedError(_ actual: [Float], _ expected: [Float]) -> Double {
        precondition(actual.count == expected.count, "normalisedError: length mismatch")
        var diff = 0.0, norm = 0.0
        for (a, e) in zip(actual, expected) {
            diff += (Double(a) - Double(e)) * (Double(a) - Double(e))
            norm += Double(e) * Double(e)
        }
        return diff.squareRoot() / max(norm.squareRoot(), 1e-30)
    }

    /// The largest elementwise |actual − expected|.
    public static func maxAbsoluteError(_ actual: [Float], _ expected: [Float]) -> Float {
        zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
    }
}
