import Testing
@testable import Tensor

/// Fused attention (AVX-512 where present) and the portable BLAS path against a double-precision
/// reference, on lengths around the 16-lane and 4-row blocks and head sizes that are not 16-multiples.
@Suite struct AttentionTests {
    static let cases: [(length: Int, heads: Int, headSize: Int)] = [(1, 1, 4), (5, 2, 8), (17, 3, 32), (33, 2, 20), (64, 4, 64)]

    func run(_ qkv: [Float], length: Int, heads: Int, headSize: Int, portable: Bool, headRange: Range<Int>? = nil) -> [Float] {
        let h = heads * headSize
        var context = [Float](repeating: 0, count: length * h)
        var work = [Float](repeating: .nan, count: Attention.workCount(length: length, headSize: headSize))
        let scale = 1 / Float(headSize).squareRoot()
        context.withUnsafeMutableBufferPointer { out in
            work.withUnsafeMutableBufferPointer { w in
                if portable {
                    Attention.forwardPortable(qkv: qkv, length: length, heads: heads, headSize: headSize, scale: scale,
                                              context: out.baseAddress!, ldc: h, work: w.baseAddress!, headRange: headRange ?? 0..<heads)
                } else {
                    Attention.forward(qkv: qkv, length: length, heads: heads, headSize: headSize, scale: scale,
                                      context: out.baseAddress!, ldc: h, work: w.baseAddress!, headRange: headRange)
                }
            }
        }
        return context
    }

    @Test(arguments: cases)
    func forward_matchesReference(length: Int, heads: Int, headSize: Int) {
        var rng = SeededGenerator(seed: UInt64(length * 100 + headSize))
        let qkv = rng.floats(length * 3 * heads * headSize, in: -2...2)
        let expected = ReferenceKernels.attention(qkv, length: length, heads: heads, headSize: headSize,
                                                  scale: 1 / Float(headSize).squareRoot())
        for portable in [false, true] {
            let actual = run(qkv, length: length, heads: heads, headSize: headSize, portable: portable)
            #expect(ReferenceKernels.maxAbsoluteError(actual, expected) < 1e-5, "portable \(portable)")
        }
    }

    @Test func forward_headRangeWritesOnlyThoseHeads() {
        var rng = SeededGenerator(seed: 9)
        let (length, heads, d) = (9, 4, 16)
        let qkv = rng.floats(length * 3 * heads * d)
        let all = run(qkv, length: length, heads: heads, headSize: d, portable: false)
        let part = run(qkv, length: length, heads: heads, headSize: d, portable: false, headRange: 1..<3)
        for i in 0..<length {
            for c in 0..<(heads * d) {
                let inRange = (d..<(3 * d)).contains(c)
                #expect(part[i * heads * d + c] == (inRange ? all[i * heads * d + c] : 0))
            }
        }
    }
}
