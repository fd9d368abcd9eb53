import Testing
@testable import Tensor

/// The packed-weight AVX-512 GEMM against the naive matmul, on shapes that cross every blocking
/// edge: rows past one 14-row sliver and one 168-row chunk, columns not a multiple of the 32-wide
/// panel, depths past one 256-deep slice.
@Suite struct PackedMatrixTests {
    static let shapes: [(rows: Int, out: Int, inFeatures: Int)] = [
        (1, 1, 1), (3, 7, 5), (14, 32, 64), (15, 33, 257), (29, 100, 300), (170, 64, 40), (5, 384, 600),
        (70, 200, 300),  // enough work that two threads split the 7 panels (the last one partial)
    ]

    @Test(arguments: shapes)
    func multiply_matchesReferenceWithBias(rows: Int, out: Int, inFeatures: Int) throws {
        guard CPUFeatures.hasAVX512 else {
            #expect(PackedMatrix(weight: [Float](repeating: 1, count: 4), outFeatures: 2, inFeatures: 2) == nil)
            print("SKIP PackedMatrixTests: this CPU has no AVX-512 (the BLAS path runs instead)")
            return
        }
        var rng = SeededGenerator(seed: UInt64(rows * 1_000 + out))
        let x = rng.floats(rows * inFeatures), w = rng.floats(out * inFeatures), bias = rng.floats(out)
        let packed = try #require(PackedMatrix(weight: w, outFeatures: out, inFeatures: inFeatures))
        var expected = ReferenceKernels.matmul(x, w, m: rows, n: out, k: inFeatures, transposeB: true)
        expected = ReferenceKernels.addBias(expected, rows: rows, cols: out, bias: bias)
        for threads in [1, 2] {
            var y = [Float](repeating: .nan, count: rows * out)
            y.withUnsafeMutableBufferPointer { packed.multiply(x, rows: rows, bias: bias, into: $0.baseAddress!, threads: threads) }
            #expect(ReferenceKernels.normalisedError(y, expected) < 1e-6, "threads \(threads)")
        }
    }

    @Test func multiply_accumulatesIntoOutputWithoutBias() throws {
        guard CPUFeatures.hasAVX512 else { print("SKIP PackedMatrixTests: no AVX-512"); return }
        var rng = SeededGenerator(seed: 7)
        let (rows, out, inFeatures) = (20, 45, 513)
        let x = rng.floats(rows * inFeatures), w = rng.floats(out * inFeatures), residual = rng.floats(rows * out)
        let packed = try #require(PackedMatrix(weight: w, outFeatures: out, inFeatures: inFeatures))
        var y = residual
        y.withUnsafeMutableBufferPointer { packed.multiply(x, rows: rows, bias: nil, into: $0.baseAddress!, accumulate: true) }
        let expected = ReferenceKernels.add(ReferenceKernels.matmul(x, w, m: rows, n: out, k: inFeatures, transposeB: true), residual)
        #expect(ReferenceKernels.normalisedError(y, expected) < 1e-6)
    }

    @Test func unpacked_restoresTheOriginalLayout() throws {
        guard CPUFeatures.hasAVX512 else { print("SKIP PackedMatrixTests: no AVX-512"); return }
        var rng = SeededGenerator(seed: 8)
        let w = rng.floats(45 * 19)
        let packed = try #require(PackedMatrix(weight: w, outFeatures: 45, inFeatures: 19))
        let restored = packed.unpacked()
        #expect(restored.shape == [45, 19])
        #expect(restored.toArray() == w)
    }

    @Test func multiply_leavesMemoryPastTheOutputUntouched() throws {
        guard CPUFeatures.hasAVX512 else { print("SKIP PackedMatrixTests: no AVX-512"); return }
        // 5 columns in a 32-wide panel: masked stores must not write the 27 padding columns.
        let packed = try #require(PackedMatrix(weight: [Float](repeating: 1, count: 5 * 3), outFeatures: 5, inFeatures: 3))
        var y = [Float](repeating: -7, count: 2 * 5 + 40)
        y.withUnsafeMutableBufferPointer { packed.multiply([1, 2, 3, 4, 5, 6], rows: 2, bias: nil, into: $0.baseAddress!) }
        #expect(Array(y[0..<10]) == [6, 6, 6, 6, 6, 15, 15, 15, 15, 15])
        #expect(y[10...].allSatisfy { $0 == -7 })
    }
}
