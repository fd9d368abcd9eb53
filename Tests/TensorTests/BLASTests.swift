import Foundation
import Testing
@testable import Tensor

@Suite struct BLASTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func gemm_matchesReferenceForEveryTranspose(transposeA: Bool, transposeB: Bool) {
        var rng = SeededGenerator(seed: 10)
        let (m, n, k) = (7, 13, 19)
        let a = rng.floats(m * k), b = rng.floats(k * n), c0 = rng.floats(m * n)
        var c = c0
        c.withUnsafeMutableBufferPointer { out in
            BLAS.gemm(transposeA ? .transposed : .none, transposeB ? .transposed : .none,
                      m: m, n: n, k: k, alpha: 0.5,
                      a: a, lda: transposeA ? m : k, b: b, ldb: transposeB ? k : n,
                      beta: 2, c: out.baseAddress!, ldc: n)
        }
        let product = ReferenceKernels.matmul(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        let expected = zip(product, c0).map { 0.5 * $0 + 2 * $1 }
        #expect(ReferenceKernels.normalisedError(c, expected) < 1e-6)
    }

    @Test func gemm_readsSubmatricesThroughLeadingDimensions() {
        // A head-sized slice of a wider row, as attention reads Q/K/V in place.
        var rng = SeededGenerator(seed: 11)
        let (rows, width, offset, d) = (5, 24, 8, 4)
        let wide = rng.floats(rows * width)
        var scores = [Float](repeating: 0, count: rows * rows)
        wide.withUnsafeBufferPointer { w in
            scores.withUnsafeMutableBufferPointer { s in
                BLAS.gemm(.none, .transposed, m: rows, n: rows, k: d,
                          a: w.baseAddress! + offset, lda: width, b: w.baseAddress! + offset, ldb: width,
                          c: s.baseAddress!, ldc: rows)
            }
        }
        let slice = (0..<rows).flatMap { r in wide[(r * width + offset)..<(r * width + offset + d)] }
        let expected = ReferenceKernels.matmul(slice, slice, m: rows, n: rows, k: d, transposeB: true)
        #expect(ReferenceKernels.normalisedError(scores, expected) < 1e-6)
    }

    @Test func gemmStridedBatched_matchesPerBatchReference() {
        var rng = SeededGenerator(seed: 12)
        let (batch, m, n, k) = (3, 4, 5, 6)
        let a = rng.floats(batch * m * k), b = rng.floats(batch * k * n)
        var c = [Float](repeating: 0, count: batch * m * n)
        c.withUnsafeMutableBufferPointer { out in
            BLAS.gemmStridedBatched(.none, .none, m: m, n: n, k: k, a: a, lda: k, strideA: m * k,
                                    b: b, ldb: n, strideB: k * n, c: out.baseAddress!, ldc: n, strideC: m * n,
                                    batchCount: batch)
        }
        for i in 0..<batch {
            let expected = ReferenceKernels.matmul(Array(a[(i * m * k)..<((i + 1) * m * k)]),
                                                   Array(b[(i * k * n)..<((i + 1) * k * n)]), m: m, n: n, k: k)
            #expect(ReferenceKernels.normalisedError(Array(c[(i * m * n)..<((i + 1) * m * n)]), expected) < 1e-6)
        }
    }

    @Test func linear_computesXTimesWeightTransposed() {
        var rng = SeededGenerator(seed: 13)
        let (rows, inF, outF) = (3, 10, 6)
        let x = rng.floats(rows * inF), w = rng.floats(outF * inF)
        var y = [Float](repeating: 1, count: rows * outF)
        y.withUnsafeMutableBufferPointer { BLAS.linear(x, rows: rows, inFeatures: inF, weight: w, outFeatures: outF, into: $0.baseAddress!, accumulate: true) }
        let expected = ReferenceKernels.matmul(x, w, m: rows, n: outF, k: inF, transposeB: true).map { $0 + 1 }
        #expect(ReferenceKernels.normalisedError(y, expected) < 1e-6)
    }

    @Test func setThreadCount_isReflected() {
        BLAS.setThreadCount(1)
        #expect(BLAS.threadCount == 1)
        BLAS.setThreadCount(2)
        // OpenBLAS caps the pool at the processor count.
        #expect(BLAS.threadCount == min(2, ProcessInfo.processInfo.activeProcessorCount))
    }
}
