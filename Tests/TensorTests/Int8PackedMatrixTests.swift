import Testing
@testable import Tensor

/// The int8 VNNI GEMM against the fp32 reference. Quantization error is bounded, not zero: with
/// 8-bit weights and activations the normalised error on uniform data is ~0.5%.
@Suite struct Int8PackedMatrixTests {
    static let shapes: [(rows: Int, out: Int, inFeatures: Int)] = [
        (1, 1, 1), (3, 7, 5), (14, 32, 64), (15, 33, 257), (29, 100, 301), (5, 384, 1536),
        (128, 200, 640),  // enough work that two threads split the 7 panels (the last one partial)
    ]

    @Test(arguments: shapes)
    func multiply_approximatesFP32WithBiasAndResidual(rows: Int, out: Int, inFeatures: Int) throws {
        guard CPUFeatures.hasAVX512VNNI else {
            #expect(Int8PackedMatrix(weight: [Float](repeating: 1, count: 4), outFeatures: 2, inFeatures: 2) == nil)
            print("SKIP Int8PackedMatrixTests: this CPU has no AVX-512 VNNI (int8 falls back to fp32)")
            return
        }
        var rng = SeededGenerator(seed: UInt64(rows * 7 + out))
        // One-sided activations (as after GELU) and signed ones both exercise the row offset.
        let x = rng.floats(rows * inFeatures, in: -0.2...3), w = rng.floats(out * inFeatures, in: -1...1)
        let bias = rng.floats(out), residual = rng.floats(rows * out)
        let matrix = try #require(Int8PackedMatrix(weight: w, outFeatures: out, inFeatures: inFeatures))
        var scratch = [Float](repeating: .nan, count: matrix.scratchCount(rows: rows))
        let product = ReferenceKernels.matmul(x, w, m: rows, n: out, k: inFeatures, transposeB: true)
        let expected = ReferenceKernels.add(ReferenceKernels.addBias(product, rows: rows, cols: out, bias: bias), residual)
        for threads in [1, 2] {
            var y = residual
            scratch.withUnsafeMutableBufferPointer { s in
                y.withUnsafeMutableBufferPointer {
                    matrix.multiply(x, rows: rows, bias: bias, into: $0.baseAddress!, accumulate: true,
                                    scratch: s.baseAddress!, threads: threads)
                }
            }
            #expect(ReferenceKernels.normalisedError(y, expected) < 0.02, "threads \(threads)")
        }
    }

    @Test func multiply_isExactOnIntegerGrids() throws {
        guard CPUFeatures.hasAVX512VNNI else { print("SKIP Int8PackedMatrixTests: no AVX-512 VNNI"); return }
        // Weights in {-127..127}·s and activations on a 255-step grid quantize without rounding,
        // so the only error left is fp32 rescaling: the kernel's arithmetic is checked exactly.
        let (rows, out, inFeatures) = (3, 5, 9)
        let w = (0..<(out * inFeatures)).map { Float(($0 * 37) % 255 - 127) / 64 }
        let x = (0..<(rows * inFeatures)).map { Float(($0 * 53) % 256) / 8 - 4 }
        // each row spans the full grid: first element min (-4), second max (+27.875)
        var xs = x
        for r in 0..<rows { xs[r * inFeatures] = -4; xs[r * inFeatures + 1] = 27.875 }
        let wRows = (0..<out).map { j -> [Float] in
            var row = Array(w[(j * inFeatures)..<((j + 1) * inFeatures)])
            row[0] = 127.0 / 64  // max|w| = 127 steps
            return row
        }
        let weights = wRows.flatMap { $0 }
        let matrix = try #require(Int8PackedMatrix(weight: weights, outFeatures: out, inFeatures: inFeatures))
        var scratch = [Float](repeating: 0, count: matrix.scratchCount(rows: rows))
        var y = [Float](repeating: 0, count: rows * out)
        scratch.withUnsafeMutableBufferPointer { s in
            y.withUnsafeMutableBufferPointer { matrix.multiply(xs, rows: rows, bias: nil, into: $0.baseAddress!, scratch: s.baseAddress!) }
        }
        let expected = ReferenceKernels.matmul(xs, weights, m: rows, n: out, k: inFeatures, transposeB: true)
        #expect(ReferenceKernels.maxAbsoluteError(y, expected) < 1e-3)
    }
}
