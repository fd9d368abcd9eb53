/// SIMD helpers shared by the kernels: unaligned 8-wide loads/stores and vectorized exp / erf.
///
/// Accuracy: `exp` is the Cephes `expf` scheme (range reduction by ln 2 split in two, degree-6
/// polynomial), within ~2 ulp; `erf` is Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7). Both are
/// tested against the C library versions in TensorTests.
public enum VectorMath {
    public typealias Vector = SIMD8<Float>
    /// Lanes per vector.
    public static let width = 8

    @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    public static func store(_ v: Vector, to p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// e^x, lane-wise. Inputs are clamped to [-87.3, 88.3] (results stay finite and normal).
    @inline(__always)
    public static func exp(_ input: Vector) -> Vector {
        let x = clamp(input, -87.3, 88.3)
        // n = round(x / ln 2) via the 1.5·2^23 trick: adding it leaves round-to-nearest-even(x / ln 2)
        // in the low mantissa bits, so both the float n and the integer exponent come without the
        // generic (unvectorized) SIMD rounding and float→int conversions.
        let magic: Float = 12_582_912  // 1.5 · 2^23, bit pattern 0x4B40_0000
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        // r = x - n ln 2, with ln 2 split into an exactly representable high part and a low part.
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * (r * r) + r + 1
        // 2^n: put n + 127 (in [1, 254]) into the float exponent field.
        let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: Vector.self)
    }

    /// Lane-wise clamp to [low, high] with compare-and-select (stays vectorized).
    @inline(__always)
    public static func clamp(_ x: Vector, _ low: Float, _ high: Float) -> Vector {
        let lo = Vector(repeating: low), hi = Vector(repeating: high)
        return x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
    }

    /// Lane-wise maximum with compare-and-select.
    @inline(__always)
    public static func maximum(_ a: Vector, _ b: Vector) -> Vector { a.replacing(with: b, where: b .> a) }

    /// erf(x), lane-wise (Abramowitz & Stegun 7.1.26).
    @inline(__always)
    public static func erf(_ x: Vector) -> Vector {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (1 + 0.327_591_1 * a)
        var p = Vector(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let y = 1 - p * t * exp(-(a * a))
        // erf is odd: copy the sign of x.
        return y.replacing(with: -y, where: x .< 0)
    }

    /// tanh(x), lane-wise, as 1 - 2 / (e^{2x} + 1) (saturates cleanly for large |x|).
    @inline(__always)
    public static func tanh(_ x: Vector) -> Vector {
        let one = Vector(repeating: 1)
        return one - 2 / (exp(2 * x) + one)
    }

    /// Sum of the lanes.
    @inline(__always)
    public static func sum(_ v: Vector) -> Float { v.sum() }
}
