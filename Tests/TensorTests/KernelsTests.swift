import Foundation
import Testing
@testable import Tensor

/// Each vectorized kernel against its naive reference, measured by normalised L2 error. Sizes
/// include non-multiples of the SIMD width to cover the scalar tails.
@Suite struct KernelsTests {
    static let sizes: [(rows: Int, cols: Int)] = [(1, 1), (3, 7), (5, 32), (4, 384), (2, 1537)]

    /// Runs an in-place kernel on a copy of `input`.
    func applying(_ input: [Float], _ kernel: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        var out = input
        out.withUnsafeMutableBufferPointer { kernel($0.baseAddress!) }
        return out
    }

    @Test(arguments: sizes)
    func layerNorm_matchesReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 1)
        let x = rng.floats(rows * cols, in: -5...5)
        let gamma = rng.floats(cols, in: 0.5...1.5)
        let beta = rng.floats(cols, in: -1...1)
        let actual = applying(x) { Kernels.layerNorm($0, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12) }
        let expected = ReferenceKernels.layerNorm(x, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12)
        #expect(ReferenceKernels.normalisedError(actual, expected) < 1e-6)
    }

    /// The SIMD8 Swift twins the dispatching kernels use on CPUs without AVX-512.
    @Test(arguments: sizes)
    func portableLayerNormAndGelu_matchReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 11)
        let x = rng.floats(rows * cols, in: -5...5)
        let gamma = rng.floats(cols, in: 0.5...1.5), beta = rng.floats(cols, in: -1...1)
        let normed = applying(x) { Kernels.layerNormPortable($0, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12) }
        let expected = ReferenceKernels.layerNorm(x, rows: rows, cols: cols, gamma: gamma, beta: beta, epsilon: 1e-12)
        #expect(ReferenceKernels.normalisedError(normed, expected) < 1e-6)
        let activated = applying(x) { Kernels.geluPortable($0, count: x.count) }
        #expect(ReferenceKernels.maxAbsoluteError(activated, ReferenceKernels.gelu(x)) < 2e-6)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 100])
    func convertFloat16_matchesFloat16Init(count: Int) {
        // Every class of half: normals, subnormals, zeros of both signs, infinities; odd offset.
        let specials: [UInt16] = [0x0000, 0x8000, 0x0001, 0x03FF, 0x3C00, 0xBC00, 0x7BFF, 0x7C00, 0xFC00, 0x3555]
        let bits = (0..<count).map { specials[$0 % specials.count] &+ UInt16($0 / specials.count) }
        var bytes = [UInt8](repeating: 0, count: 1 + 2 * count)
        for (i, b) in bits.enumerated() { bytes[1 + 2 * i] = UInt8(b & 0xFF); bytes[2 + 2 * i] = UInt8(b >> 8) }
        var out = [Float](repeating: .nan, count: count)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { Kernels.convertFloat16(raw.baseAddress! + 1, to: $0.baseAddress!, count: count) }
        }
        for (value, b) in zip(out, bits) { #expect(value.bitPattern == Float(Float16(bitPattern: b)).bitPattern, "bits \(b)") }
    }

    @Test(arguments: sizes)
    func softmax_matchesReferenceWithMask(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 2)
        let x = rng.floats(rows * cols, in: -20...20)
        for valid in Set([cols, max(1, cols / 2), 0]) {
            let actual = applying(x) { Kernels.softmax($0, rows: rows, cols: cols, validCount: valid) }
            let expected = ReferenceKernels.softmax(x, rows: rows, cols: cols, validCount: valid)
            #expect(ReferenceKernels.maxAbsoluteError(actual, expected) < 1e-6, "valid \(valid)")
            // Masked entries are exactly zero, so padded keys contribute nothing.
            for r in 0..<rows { for c in valid..<cols { #expect(actual[r * cols + c] == 0) } }
        }
    }

    @Test func softmax_isStableForLargeLogits() {
        let x: [Float] = [1000, 1001, 999, -1000, 88, 89, 90, 91, 3000]
        let actual = applying(x) { Kernels.softmax($0, rows: 1, cols: x.count, validCount: x.count) }
        let expected = ReferenceKernels.softmax(x, rows: 1, cols: x.count, validCount: x.count)
        #expect(actual.allSatisfy { $0.isFinite })
        #expect(ReferenceKernels.maxAbsoluteError(actual, expected) < 1e-6)
    }

    @Test(arguments: sizes)
    func gelu_matchesErfReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 3)
        let x = rng.floats(rows * cols, in: -8...8)
        let actual = applying(x) { Kernels.gelu($0, count: x.count) }
        #expect(ReferenceKernels.normalisedError(actual, ReferenceKernels.gelu(x)) < 1e-6)
        #expect(ReferenceKernels.maxAbsoluteError(actual, ReferenceKernels.gelu(x)) < 2e-6)
    }

    @Test(arguments: sizes)
    func geluTanh_matchesReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 4)
        let x = rng.floats(rows * cols, in: -8...8)
        let actual = applying(x) { Kernels.geluTanh($0, count: x.count) }
        #expect(ReferenceKernels.normalisedError(actual, ReferenceKernels.geluTanh(x)) < 1e-6)
    }

    @Test(arguments: sizes)
    func tanh_matchesReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 5)
        let x = rng.floats(rows * cols, in: -12...12)
        let actual = applying(x) { Kernels.tanh($0, count: x.count) }
        #expect(ReferenceKernels.maxAbsoluteError(actual, ReferenceKernels.tanh(x)) < 1e-6)
    }

    @Test(arguments: sizes)
    func addBiasAndResidual_matchReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 6)
        let x = rng.floats(rows * cols), y = rng.floats(rows * cols), bias = rng.floats(cols)
        let biased = applying(x) { Kernels.addBias($0, rows: rows, cols: cols, bias: bias) }
        #expect(ReferenceKernels.normalisedError(biased, ReferenceKernels.addBias(x, rows: rows, cols: cols, bias: bias)) < 1e-7)
        let summed = applying(x) { Kernels.add($0, y, count: x.count) }
        #expect(ReferenceKernels.normalisedError(summed, ReferenceKernels.add(x, y)) < 1e-7)
    }

    @Test(arguments: sizes)
    func meanPool_matchesReference(rows: Int, cols: Int) {
        var rng = SeededGenerator(seed: 7)
        let x = rng.floats(rows * cols)
        for valid in Set([rows, max(1, rows - 1)]) {
            var out = [Float](repeating: .nan, count: cols)
            out.withUnsafeMutableBufferPointer { Kernels.meanPool(x, rows: rows, cols: cols, validCount: valid, into: $0.baseAddress!) }
            let expected = ReferenceKernels.meanPool(x, rows: rows, cols: cols, validCount: valid)
            #expect(ReferenceKernels.normalisedError(out, expected) < 1e-6)
        }
    }

    @Test func vectorExpAndErf_matchLibm() {
        var worstExp: Float = 0, worstErf: Float = 0
        var x: Float = -80
        while x < 80 {
            let v = VectorMath.Vector((0..<8).map { x + Float($0) * 0.0123 })
            let e = VectorMath.exp(v), f = VectorMath.erf(v * 0.05)
            for lane in 0..<8 {
                let xl = v[lane]
                worstExp = max(worstExp, abs(e[lane] - Foundation.exp(xl)) / Foundation.exp(xl))
                worstErf = max(worstErf, abs(f[lane] - Foundation.erf(xl * 0.05)))
            }
            x += 0.37
        }
        #expect(worstExp < 5e-7, "exp relative error \(worstExp)")
        // A&S 7.1.26 bounds the formula at 1.5e-7; fp32 evaluation adds a few ulp.
        #expect(worstErf < 6e-7, "erf absolute error \(worstErf)")
    }
}
