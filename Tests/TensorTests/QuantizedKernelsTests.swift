import Tensor
import Testing

/// Builds random rows in a block format with a seeded generator (bytes are arbitrary; scales kept finite).
private func randomMatrix(_ format: QuantizedFormat, rows: Int, columns: Int, seed: UInt64) -> ([UInt8], QuantizedFormat) {
    var generator = SeededGenerator(seed: seed)
    var bytes = (0..<(rows * format.rowBytes(columns: columns))).map { _ in UInt8.random(in: 0...255, using: &generator) }
    if format != .f32 && format != .f16 {
        // Overwrite each block's fp16 scale (and Q4_1 min) with a small finite value.
        let blocks = rows * columns / 32
        for b in 0..<blocks {
            let base = b * format.bytesPerBlock
            for field in 0..<(format == .q4_1 ? 2 : 1) {
                let value = Float16(Float.random(in: -0.1...0.1, using: &generator))
                bytes[base + 2 * field] = UInt8(value.bitPattern & 0xFF)
                bytes[base + 2 * field + 1] = UInt8(value.bitPattern >> 8)
            }
        }
    } else if format == .f16 {
        for i in 0..<(rows * columns) {
            let value = Float16(Float.random(in: -1...1, using: &generator))
            bytes[2 * i] = UInt8(value.bitPattern & 0xFF); bytes[2 * i + 1] = UInt8(value.bitPattern >> 8)
        }
    } else {
        for i in 0..<(rows * columns) {
            let bits = Float.random(in: -1...1, using: &generator).bitPattern
            for j in 0..<4 { bytes[4 * i + j] = UInt8((bits >> (8 * UInt32(j))) & 0xFF) }
        }
    }
    return (bytes, format)
}

@Test(arguments: QuantizedFormat.allCases)
func quantizedMatVec_matchesDequantizedReference(format: QuantizedFormat) throws {
    let rows = 70, columns = 96
    var generator = SeededGenerator(seed: 3)
    let (bytes, _) = randomMatrix(format, rows: rows, columns: columns, seed: 11)
    bytes.withUnsafeBytes { raw in
        let matrix = QuantizedMatrix(format: format, rows: rows, columns: columns, data: raw.baseAddress!, owner: nil)
        let weights = matrix.dequantized().toArray()  // [rows, columns], the naive reference path
        for vectors in [1, 2, 3, 6] {
            let x = (0..<(vectors * columns)).map { _ in Float.random(in: -1...1, using: &generator) }
            let expected = ReferenceKernels.matmul(x, weights, m: vectors, n: rows, k: columns, transposeB: true)
            var y = [Float](repeating: .nan, count: vectors * rows)
            for threads in [1, 2] {
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        matrix.linear(xp.baseAddress!, vectors: vectors, into: yp.baseAddress!, scratch: ScratchBuffer(), threads: threads)
                    }
                }
                let error = ReferenceKernels.normalisedError(y, expected)
                #expect(error < 1e-5, "\(format) vectors \(vectors) threads \(threads): error \(error)")
            }
        }
    }
}

@Test func quantizedFormat_q4_1DecodesNibblesLowFirst() {
    // d = 1, m = -8: x[j] = lo(qs[j]) - 8, x[j+16] = hi(qs[j]) - 8 (ggml dequantize_row_q4_1).
    var block = [UInt8](repeating: 0, count: 20)
    let one = Float16(1).bitPattern, minus8 = Float16(-8).bitPattern
    block[0] = UInt8(one & 0xFF); block[1] = UInt8(one >> 8)
    block[2] = UInt8(minus8 & 0xFF); block[3] = UInt8(minus8 >> 8)
    for j in 0..<16 { block[4 + j] = UInt8(j) | UInt8(15 - j) << 4 }
    var out = [Float](repeating: 0, count: 32)
    block.withUnsafeBytes { raw in
        out.withUnsafeMutableBufferPointer { QuantizedFormat.q4_1.dequantizeRow(raw.baseAddress!, columns: 32, into: $0.baseAddress!) }
    }
    #expect(out[0] == -8 && out[15] == 7 && out[16] == 7 && out[31] == -8)
}

/// llama.cpp's q8 activation scheme in plain Swift: per block of 32, d = max|x| / 127, q = round(x / d).
private func quantizeQ8Reference(_ x: [Float]) -> [Float] {
    var out = x
    for b in 0..<(x.count / 32) {
        let block = x[(b * 32)..<(b * 32 + 32)]
        let amax = block.map { abs($0) }.max() ?? 0
        let d = amax / 127, inverse = amax > 0 ? 127 / amax : 0
        for i in block.indices { out[i] = (x[i] * inverse).rounded(.toNearestOrEven) * d }
    }
    return out
}

@Test(arguments: [QuantizedFormat.q4_0, .q4_1, .q8_0])
func quantizedMatVecInt8_matchesQuantizedActivationReference(format: QuantizedFormat) throws {
    guard QuantizedKernels.supportsInt8Activations(format) else {
        print("⚠️ SKIP int8-activation kernels: this CPU has no AVX-512 VNNI")
        return
    }
    let rows = 70, columns = 96
    var generator = SeededGenerator(seed: 5)
    let (bytes, _) = randomMatrix(format, rows: rows, columns: columns, seed: 13)
    bytes.withUnsafeBytes { raw in
        let matrix = QuantizedMatrix(format: format, rows: rows, columns: columns, data: raw.baseAddress!, owner: nil)
        let weights = matrix.dequantized().toArray()
        for vectors in [1, 2, 3, 5, 8] {
            let x = (0..<(vectors * columns)).map { _ in Float.random(in: -1...1, using: &generator) }
            // Same arithmetic as the kernel up to float summation order: the activations rounded to q8 first.
            let expected = ReferenceKernels.matmul(quantizeQ8Reference(x), weights, m: vectors, n: rows, k: columns, transposeB: true)
            let exact = ReferenceKernels.matmul(x, weights, m: vectors, n: rows, k: columns, transposeB: true)
            for threads in [1, 2] {
                var y = [Float](repeating: .nan, count: vectors * rows)
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        matrix.linear(xp.baseAddress!, vectors: vectors, into: yp.baseAddress!, scratch: ScratchBuffer(),
                                      threads: threads, quantizedActivations: true)
                    }
                }
                let error = ReferenceKernels.normalisedError(y, expected)
                #expect(error < 1e-5, "\(format) vectors \(vectors) threads \(threads): error \(error) vs q8 reference")
                // And the quantization itself costs little against fp32 activations.
                let drift = ReferenceKernels.normalisedError(y, exact)
                #expect(drift < 2e-2, "\(format) vectors \(vectors): error \(drift) vs fp32 activations")
            }
        }
    }
}

@Test(arguments: [QuantizedFormat.q4_1, .q8_0])
func quantizedMatVecInt8_rowSplitAcrossThreadsMatchesOneThread(format: QuantizedFormat) {
    guard QuantizedKernels.supportsInt8Activations(format) else { return }
    let rows = 301, columns = 64, vectors = 2  // an odd row count: uneven chunks
    var generator = SeededGenerator(seed: 17)
    let (bytes, _) = randomMatrix(format, rows: rows, columns: columns, seed: 19)
    let x = (0..<(vectors * columns)).map { _ in Float.random(in: -1...1, using: &generator) }
    bytes.withUnsafeBytes { raw in
        let matrix = QuantizedMatrix(format: format, rows: rows, columns: columns, data: raw.baseAddress!, owner: nil)
        func run(threads: Int) -> [Float] {
            var y = [Float](repeating: .nan, count: vectors * rows)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    // A tiny per-worker minimum forces the split that real models only get on the LM head.
                    QuantizedKernels.matVecInt8(matrix, x: xp.baseAddress!, vectors: vectors, into: yp.baseAddress!,
                                                scratch: ScratchBuffer(), threads: threads, minimumWeightsPerWorker: 64 * columns)
                }
            }
            return y
        }
        let one = run(threads: 1)
        #expect(!one.contains { $0.isNaN })
        #expect(run(threads: 2) == one)
        #expect(run(threads: 3) == one)
    }
}
