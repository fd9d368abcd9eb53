/// Matrix-vector products against block-quantized weights, for the decode step (one token per sequence).
///
/// Blocks are decoded in registers, never into an fp32 copy of the weights, and each decoded block serves two
/// vectors at once (the two ACD branches read the weights once). Decoding avoids int→float conversions, which
/// Swift's generic SIMD initialisers compile to scalar code: the 16 quant bytes are loaded as 4 u32 words,
/// nibbles/bytes are isolated with shifts and masks, OR-ed into the mantissa of 2^23 (0x4B000000, so the float
/// is exactly 2^23 + q) and 2^23 is subtracted — exact. Lane i of "byte k of each word" is byte 4i + k, so the
/// activations are permuted once per call to match (a 4×4 transpose of every 16 values).
/// Q4_1's minimum is folded out: Σ (q·d + m)·x = d·Σ q·x + m·Σx.
public enum QuantizedKernels {
    /// y [vectors, w.rows] = x [vectors, w.columns] · wᵀ, for any format (F32/F16 by a scalar loop).
    public static func matVec(
        _ w: QuantizedMatrix, x: UnsafePointer<Float>, vectors: Int,
        into y: UnsafeMutablePointer<Float>, threads: Int = 1
    ) {
        let n = w.columns, blocks = n / 32
        let isBlockFormat = w.format.blockSize == 32
        // Activations in decode order, [vectors, columns]: within each 16 values, xp[4k + i] = x[4i + k].
        var permuted = [Float](repeating: 0, count: isBlockFormat ? vectors * n : 0)
        // Σx per block per vector (Q4_1's minimum term), [vectors, blocks].
        var blockSums = [Float](repeating: 0, count: isBlockFormat ? vectors * blocks : 0)
        if isBlockFormat {
            for v in 0..<vectors {
                for b in 0..<blocks {
                    let source = x + v * n + b * 32
                    var sum: Float = 0
                    for g in 0..<2 {
                        for k in 0..<4 {
                            for i in 0..<4 { permuted[v * n + b * 32 + g * 16 + 4 * k + i] = source[g * 16 + 4 * i + k] }
                        }
                    }
                    for j in 0..<32 { sum += source[j] }
                    blockSums[v * blocks + b] = sum
                }
            }
        }
        permuted.withUnsafeBufferPointer { xp in
            blockSums.withUnsafeBufferPointer { sums in
                let job = MatVecJob(w: w, x: isBlockFormat ? xp.baseAddress! : x, vectors: vectors, y: y,
                                    sums: sums.baseAddress, blocks: blocks)
                Parallel.forEachChunk(of: w.rows, threads: threads, minimumChunk: 64) { job.run(rows: $0) }
            }
        }
    }

    /// The operands of one `matVec`, shared read-only by its workers (each writes disjoint rows of y).
    struct MatVecJob: @unchecked Sendable {
        let w: QuantizedMatrix
        let x: UnsafePointer<Float>         // [vectors, columns], permuted for block formats
        let vectors: Int
        let y: UnsafeMutablePointer<Float>  // [vectors, rows]
        let sums: UnsafePointer<Float>?     // [vectors, blocks] (block formats)
        let blocks: Int

        func run(rows range: Range<Int>) {
            var v = 0
            while v < vectors {
                let pair = vectors - v >= 2  // two vectors at a time share each decoded block
                for r in range {
                    let y0 = y + v * w.rows + r
                    rowDot(w, row: r, x: x + v * w.columns, pair: pair, sums: sums.map { $0 + v * blocks },
                           blocks: blocks, y0: y0, y1: pair ? y0 + w.rows : y0)
                }
                v += pair ? 2 : 1
            }
        }
    }

    typealias F4 = SIMD4<Float>
    typealias U4 = SIMD4<UInt32>
    static let magicBits = U4(repeating: 0x4B00_0000)  // 2^23 as a float

    /// Exact float of small unsigned integers q in u: (2^23 + q) − offset.
    @inline(__always)
    static func float(_ u: U4, minus offset: F4) -> F4 { unsafeBitCast(u | magicBits, to: F4.self) - offset }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> F4 { UnsafeRawPointer(p + i).loadUnaligned(as: F4.self) }

    /// One row dotted with one vector (y0) or with two consecutive vectors (y0, y1 when `pair`).
    @inline(__always)
    static func rowDot(
        _ w: QuantizedMatrix, row r: Int, x: UnsafePointer<Float>, pair: Bool,
        sums: UnsafePointer<Float>?, blocks: Int,
        y0: UnsafeMutablePointer<Float>, y1: UnsafeMutablePointer<Float>
    ) {
        let rowData = w.row(r)
        let n = w.columns
        let x1 = x + n
        let two23 = F4(repeating: 8_388_608)
        switch w.format {
        case .q4_0, .q4_1:
            let isQ4_1 = w.format == .q4_1
            let stride = isQ4_1 ? 20 : 18, quantOffset = isQ4_1 ? 4 : 2
            // Q4_0 stores q − 8: subtract 2^23 + 8.
            let offset = isQ4_1 ? two23 : F4(repeating: 8_388_616)
            let mask = U4(repeating: 0x0F)
            // Accumulate d·(block dot) as vectors; one horizontal sum per row.
            var total0 = F4(), total1 = F4(), minimum0: Float = 0, minimum1: Float = 0
            for b in 0..<blocks {
                let block = rowData + b * stride
                let d = QuantizedFormat.scale(block, at: 0)
                let words = block.loadUnaligned(fromByteOffset: quantOffset, as: U4.self)
                var a0 = F4(), a1 = F4()
                let xb = b * 32
                for k in 0..<4 {
                    let shift = U4(repeating: UInt32(8 * k))
                    let lo = float((words &>> shift) & mask, minus: offset)
                    let hi = float((words &>> (shift &+ 4)) & mask, minus: offset)
                    a0 += lo * load(x, xb + 4 * k) + hi * load(x, xb + 16 + 4 * k)
                    if pair { a1 += lo * load(x1, xb + 4 * k) + hi * load(x1, xb + 16 + 4 * k) }
                }
                total0 += d * a0
                if pair { total1 += d * a1 }
                if isQ4_1 {
                    let m = QuantizedFormat.scale(block, at: 2)
                    minimum0 += m * sums![b]
                    if pair { minimum1 += m * sums![blocks + b] }
                }
            }
            y0.pointee = total0.sum() + minimum0
            if pair { y1.pointee = total1.sum() + minimum1 }
        case .q8_0:
            // Signed bytes: flip the sign bit (b ^ 0x80 = b + 128 as unsigned), subtract 2^23 + 128.
            let offset = F4(repeating: 8_388_736)
            let mask = U4(repeating: 0xFF), flip = U4(repeating: 0x80)
            var total0 = F4(), total1 = F4()
            for b in 0..<blocks {
                let block = rowData + b * 34
                let d = QuantizedFormat.scale(block, at: 0)
                var a0 = F4(), a1 = F4()
                for g in 0..<2 {
                    let words = block.loadUnaligned(fromByteOffset: 2 + 16 * g, as: U4.self)
                    let xb = b * 32 + 16 * g
                    for k in 0..<4 {
                        let q = float(((words &>> U4(repeating: UInt32(8 * k))) & mask) ^ flip, minus: offset)
                        a0 += q * load(x, xb + 4 * k)
                        if pair { a1 += q * load(x1, xb + 4 * k) }
                    }
                }
                total0 += d * a0
                if pair { total1 += d * a1 }
            }
            y0.pointee = total0.sum()
            if pair { y1.pointee = total1.sum() }
        case .f32, .f16:
            var s0: Float = 0, s1: Float = 0
            for i in 0..<n {
                let value = w.format == .f32
                    ? rowData.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                    : QuantizedFormat.half(rowData, at: 2 * i)
                s0 += value * x[i]
                if pair { s1 += value * x1[i] }
            }
            y0.pointee = s0
            if pair { y1.pointee = s1 }
        }
    }
}
