import Dispatch

/// Matrix-vector products against block-quantized weights, for the decode step (one token per sequence).
///
/// Each block is decoded into SIMD registers and multiplied with fp32 activations; weights are read once
/// per call whatever the number of vectors (two sequences share each decoded block). Q4_1's offset term
/// is folded out: Σ (q·d + m)·x = d·Σ q·x + m·Σ x, with Σ x per block computed once per vector.
public enum QuantizedKernels {
    /// y [vectors, w.rows] = x [vectors, w.columns] · wᵀ, for any format (F32/F16 by a scalar loop).
    public static func matVec(
        _ w: QuantizedMatrix, x: UnsafePointer<Float>, vectors: Int,
        into y: UnsafeMutablePointer<Float>, threads: Int = 1
    ) {
        let blocks = w.columns / 32
        // Σx per block per vector, for Q4_1's minimum term: [vectors, blocks].
        var blockSums = [Float](repeating: 0, count: w.format == .q4_1 ? vectors * blocks : 0)
        if w.format == .q4_1 {
            for v in 0..<vectors {
                for b in 0..<blocks {
                    let p = x + v * w.columns + b * 32
                    var s = SIMD16<Float>(UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self))
                    s += UnsafeRawPointer(p + 16).loadUnaligned(as: SIMD16<Float>.self)
                    blockSums[v * blocks + b] = s.sum()
                }
            }
        }
        blockSums.withUnsafeBufferPointer { sums in
            let job = MatVecJob(w: w, x: x, vectors: vectors, y: y, sums: sums.baseAddress, blocks: blocks)
            let parts = Swift.max(1, Swift.min(threads, w.rows / 64))
            if parts == 1 {
                job.run(rows: 0..<w.rows)
            } else {
                let step = (w.rows + parts - 1) / parts
                DispatchQueue.concurrentPerform(iterations: parts) { i in
                    job.run(rows: (i * step)..<Swift.min(w.rows, i * step + step))
                }
            }
        }
    }

    /// The operands of one `matVec`, shared read-only by its workers (each writes disjoint rows of y).
    struct MatVecJob: @unchecked Sendable {
        let w: QuantizedMatrix
        let x: UnsafePointer<Float>         // [vectors, columns]
        let vectors: Int
        let y: UnsafeMutablePointer<Float>  // [vectors, rows]
        let sums: UnsafePointer<Float>?     // [vectors, blocks] (Q4_1 only)
        let blocks: Int

        func run(rows range: Range<Int>) {
            var v = 0
            while v < vectors {
                // Two vectors at a time share each decoded block.
                let pair = vectors - v >= 2
                for r in range {
                    rowDot(w, row: r, x: x + v * w.columns, pair: pair, sums: sums.map { $0 + v * blocks },
                           blocks: blocks, y0: y + v * w.rows + r, y1: y + (v + 1) * w.rows + r)
                }
                v += pair ? 2 : 1
            }
        }
    }

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
        switch w.format {
        case .q4_1:
            var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
            var min0: Float = 0, min1: Float = 0
            for b in 0..<blocks {
                let block = rowData + b * 20
                let d = QuantizedFormat.half(block, at: 0), m = QuantizedFormat.half(block, at: 2)
                let q = block.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self)
                let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F))
                let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4))
                let xa = UnsafeRawPointer(x + b * 32)
                acc0 += d * (lo * xa.loadUnaligned(as: SIMD16<Float>.self)
                             + hi * xa.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                min0 += m * sums![b]
                if pair {
                    let xb = UnsafeRawPointer(x1 + b * 32)
                    acc1 += d * (lo * xb.loadUnaligned(as: SIMD16<Float>.self)
                                 + hi * xb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                    min1 += m * sums![blocks + b]
                }
            }
            y0.pointee = acc0.sum() + min0
            if pair { y1.pointee = acc1.sum() + min1 }
        case .q4_0:
            var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
            let eight = SIMD16<Int32>(repeating: 8)
            for b in 0..<blocks {
                let block = rowData + b * 18
                let d = QuantizedFormat.half(block, at: 0)
                let q = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self)
                let lo = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q & 0x0F) &- eight)
                let hi = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: q &>> 4) &- eight)
                let xa = UnsafeRawPointer(x + b * 32)
                acc0 += d * (lo * xa.loadUnaligned(as: SIMD16<Float>.self)
                             + hi * xa.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                if pair {
                    let xb = UnsafeRawPointer(x1 + b * 32)
                    acc1 += d * (lo * xb.loadUnaligned(as: SIMD16<Float>.self)
                                 + hi * xb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                }
            }
            y0.pointee = acc0.sum()
            if pair { y1.pointee = acc1.sum() }
        case .q8_0:
            var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
            for b in 0..<blocks {
                let block = rowData + b * 34
                let d = QuantizedFormat.half(block, at: 0)
                let q0 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)))
                let q1 = SIMD16<Float>(SIMD16<Int32>(truncatingIfNeeded: block.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)))
                let xa = UnsafeRawPointer(x + b * 32)
                acc0 += d * (q0 * xa.loadUnaligned(as: SIMD16<Float>.self)
                             + q1 * xa.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                if pair {
                    let xb = UnsafeRawPointer(x1 + b * 32)
                    acc1 += d * (q0 * xb.loadUnaligned(as: SIMD16<Float>.self)
                                 + q1 * xb.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self))
                }
            }
            y0.pointee = acc0.sum()
            if pair { y1.pointee = acc1.sum() }
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
