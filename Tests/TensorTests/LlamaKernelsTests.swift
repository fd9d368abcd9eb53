import Foundation
import Tensor
import Testing

@Test func rmsNorm_matchesDefinition() {
    var generator = SeededGenerator(seed: 5)
    let x = generator.floats(2 * 8), weight = generator.floats(8)
    var y = [Float](repeating: 0, count: 16)
    Kernels.rmsNorm(x, rows: 2, cols: 8, weight: weight, epsilon: 1e-5, into: &y)
    for r in 0..<2 {
        let row = Array(x[(r * 8)..<(r * 8 + 8)])
        let rms = (row.map { Double($0 * $0) }.reduce(0, +) / 8 + 1e-5).squareRoot()
        for c in 0..<8 { #expect(abs(Double(y[r * 8 + c]) - Double(row[c]) / rms * Double(weight[c])) < 1e-5) }
    }
}

@Test func rotaryEmbedding_interleavedOnPermutedEqualsHalves() {
    // llama.cpp's converter permutes Q/K rows so that GGUF's interleaved pairs (2i, 2i+1) hold HF's (i, i + d/2):
    // rotating the permuted head interleaved must equal rotating the original with rotate_half, permuted.
    var generator = SeededGenerator(seed: 9)
    let heads = 2, headDim = 8, rows = 3
    let original = generator.floats(rows * heads * headDim)
    func permute(_ v: [Float]) -> [Float] {
        var out = v
        for r in 0..<rows { for h in 0..<heads { for i in 0..<(headDim / 2) {
            let base = r * heads * headDim + h * headDim
            out[base + 2 * i] = v[base + i]
            out[base + 2 * i + 1] = v[base + i + headDim / 2]
        } } }
        return out
    }
    let positions: [Int32] = [0, 5, 17]
    var halves = original, interleaved = permute(original)
    Kernels.rotaryEmbedding(&halves, rows: rows, rowStride: heads * headDim, heads: heads, headDim: headDim,
                            positions: positions, theta: 10_000, layout: .halves)
    Kernels.rotaryEmbedding(&interleaved, rows: rows, rowStride: heads * headDim, heads: heads, headDim: headDim,
                            positions: positions, theta: 10_000, layout: .interleaved)
    #expect(ReferenceKernels.maxAbsoluteError(interleaved, permute(halves)) < 1e-6)
    #expect(ReferenceKernels.maxAbsoluteError(Array(halves[0..<16]), Array(original[0..<16])) < 1e-7)  // position 0
    #expect(ReferenceKernels.maxAbsoluteError(halves, original) > 1e-2)
}

@Test func swiGLU_isSiLUTimesUp() {
    var gate: [Float] = [-2, 0, 1, 3]
    let up: [Float] = [1, 2, 3, 4]
    Kernels.swiGLU(&gate, up: up, count: 4)
    let expected = zip([Float(-2), 0, 1, 3], up).map { g, u in g / (1 + exp(-g)) * u }
    #expect(ReferenceKernels.maxAbsoluteError(gate, expected) < 1e-6)
}
