/// Block-quantized row formats, laid out exactly as ggml stores them (ggml-common.h `block_q4_0`,
/// `block_q4_1`, `block_q8_0`), plus plain F32/F16 rows. A row of `n` values (n a multiple of the block
/// size) is `n / blockSize` consecutive blocks.
///
/// - Q4_0: `{ f16 d; u8 qs[16] }` (18 bytes / 32 values): x[j] = (lo(qs[j]) - 8)·d, x[j+16] = (hi(qs[j]) - 8)·d
/// - Q4_1: `{ f16 d; f16 m; u8 qs[16] }` (20 bytes / 32 values): x[j] = lo(qs[j])·d + m, x[j+16] = hi(qs[j])·d + m
/// - Q8_0: `{ f16 d; i8 qs[32] }` (34 bytes / 32 values): x[j] = qs[j]·d
public enum QuantizedFormat: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case q4_0 = "Q4_0"
    case q4_1 = "Q4_1"
    case q8_0 = "Q8_0"

    /// Values per block (1 for the float formats).
    public var blockSize: Int {
        switch self {
        case .f32, .f16: return 1
        case .q4_0, .q4_1, .q8_0: return 32
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: return 4
        case .f16: return 2
        case .q4_0: return 18
        case .q4_1: return 20
        case .q8_0: return 34
        }
    }

    /// Bytes of one row of `columns` values (`columns` must be a multiple of `blockSize`).
    public func rowBytes(columns: Int) -> Int { columns / blockSize * bytesPerBlock }

    /// Decodes one row of `columns` values from `source` into `output`.
    public func dequantizeRow(_ source: UnsafeRawPointer, columns: Int, into output: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            UnsafeMutableRawPointer(output).copyMemory(from: source, byteCount: columns * 4)
        case .f16:
            for i in 0..<columns { output[i] = Self.half(source, at: 2 * i) }
        case .q4_0:
            for b in 0..<(columns / 32) {
                let block = source + b * 18
                let d = Self.half(block, at: 0)
                let out = output + b * 32
                for j in 0..<16 {
                    let q = block.load(fromByteOffset: 2 + j, as: UInt8.self)
                    out[j] = Float(Int(q & 0x0F) - 8) * d
                    out[j + 16] = Float(Int(q >> 4) - 8) * d
                }
            }
        case .q4_1:
            for b in 0..<(columns / 32) {
                let block = source + b * 20
                let d = Self.half(block, at: 0), m = Self.half(block, at: 2)
                let out = output + b * 32
                for j in 0..<16 {
                    let q = block.load(fromByteOffset: 4 + j, as: UInt8.self)
                    out[j] = Float(q & 0x0F) * d + m
                    out[j + 16] = Float(q >> 4) * d + m
                }
            }
        case .q8_0:
            for b in 0..<(columns / 32) {
                let block = source + b * 34
                let d = Self.half(block, at: 0)
                let out = output + b * 32
                for j in 0..<32 { out[j] = Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
            }
        }
    }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, at offset: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
