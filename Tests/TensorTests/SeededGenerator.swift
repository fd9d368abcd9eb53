import Tensor

/// Kernel tests draw reproducible inputs from Tensor's SplitMix64.
typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// `count` floats uniform in `range`.
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -3...3) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }
}
