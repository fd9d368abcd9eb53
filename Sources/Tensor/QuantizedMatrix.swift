import Dispatch

/// A weight matrix [rows, columns] kept in its storage format (F32, F16 or a ggml block format),
/// borrowed from `owner` (typically a memory-mapped GGUF file). Rows are `format.rowBytes(columns:)`
/// apart, as in ggml: one row is one output feature of an `nn.Linear`.
public struct QuantizedMatrix: @unchecked Sendable {
    public let format: QuantizedFormat
    public let rows: Int
    public let columns: Int
    /// The first row's first byte. Valid while `owner` lives.
    public let data: UnsafeRawPointer
    private let owner: AnyObject?

    /// Wraps `rows × columns` values in `format` starting at `data`, kept alive by `owner`.
    /// `columns` must be a multiple of the format's block size.
    public init(format: QuantizedFormat, rows: Int, columns: Int, data: UnsafeRawPointer, owner: AnyObject?) {
        precondition(columns % format.blockSize == 0, "\(format) row of \(columns) is not whole blocks")
        self.format = format
        self.rows = rows
        self.columns = columns
        self.data = data
        self.owner = owner
    }

    /// Wraps an fp32 tensor [rows, columns] (no copy; the tensor is retained).
    public init(_ tensor: Tensor) {
        precondition(tensor.shape.count == 2, "QuantizedMatrix needs a 2-D tensor, got \(tensor.shape)")
        self.init(format: .f32, rows: tensor.shape[0], columns: tensor.shape[1],
                  data: UnsafeRawPointer(tensor.pointer), owner: tensor)
    }

    /// Bytes between consecutive rows.
    public var rowBytes: Int { format.rowBytes(columns: columns) }

    /// The start of row `row`.
    @inline(__always)
    public func row(_ row: Int) -> UnsafeRawPointer { data + row * rowBytes }

    /// Decodes row `row` into `output` [columns].
    public func dequantizeRow(_ row: Int, into output: UnsafeMutablePointer<Float>) {
        format.dequantizeRow(self.row(row), columns: columns, into: output)
    }

    /// All values as an fp32 tensor [rows, columns] (for tests and for prefill GEMMs).
    public func dequantized() -> Tensor {
        let tensor = Tensor(zeros: [rows, columns])
        for r in 0..<rows { dequantizeRow(r, into: tensor.pointer + r * columns) }
        return tensor
    }

    /// y [vectors, rows] = x [vectors, columns] · Wᵀ — an `nn.Linear` without bias.
    ///
    /// F32 weights go straight to sgemm. Quantized weights: up to `matVecLimit` vectors (decode) use the
    /// block-dot kernels, which decode each block in registers and never materialise fp32 weights;
    /// more vectors (prefill) dequantize `chunkRows` rows at a time into `scratch` and call sgemm.
    /// `threads` splits the rows of the block-dot path across Dispatch workers.
    ///
    /// `quantizedActivations` (block formats on VNNI CPUs, up to `int8VectorLimit` vectors: decode steps): the
    /// vectors are quantized to int8 blocks and multiplied with integer dot products, as llama.cpp does (4× less
    /// CPU per SmolLM2 decode step than the fp32-activation block dots; outputs move by ~1e-2 relative). Longer inputs (prefill) keep fp32
    /// activations and sgemm, which measured 2-4× faster there than the per-row integer dots.
    public func linear(
        _ x: UnsafePointer<Float>, vectors: Int, into y: UnsafeMutablePointer<Float>,
        scratch: ScratchBuffer, threads: Int = 1, quantizedActivations: Bool = false
    ) {
        guard vectors > 0 else { return }
        if format == .f32 {
            BLAS.linear(x, rows: vectors, inFeatures: columns,
                        weight: data.assumingMemoryBound(to: Float.self), outFeatures: rows, into: y)
            return
        }
        if quantizedActivations, vectors <= Self.int8VectorLimit, QuantizedKernels.supportsInt8Activations(format) {
            QuantizedKernels.matVecInt8(self, x: x, vectors: vectors, into: y, scratch: scratch, threads: threads)
            return
        }
        if vectors <= Self.matVecLimit {
            QuantizedKernels.matVec(self, x: x, vectors: vectors, into: y, threads: threads)
            return
        }
        let chunkRows = Swift.min(rows, Swift.max(1, Self.chunkFloats / columns))
        let buffer = scratch.reserve(chunkRows * columns)  // [chunkRows, columns]
        var start = 0
        while start < rows {
            let count = Swift.min(chunkRows, rows - start)
            for r in 0..<count { dequantizeRow(start + r, into: buffer + r * columns) }
            // y[:, start..<start+count] = x · chunkᵀ, written into the strided column block of y.
            BLAS.gemm(.none, .transposed, m: vectors, n: count, k: columns,
                      a: x, lda: columns, b: buffer, ldb: columns, c: y + start, ldc: rows)
            start += count
        }
    }

    /// Vectors up to which `linear` may use the int8-activation kernels.
    public static let int8VectorLimit = 8
    /// Vectors up to which `linear` uses the fp32 block-dot kernels instead of dequantize + sgemm.
    public static let matVecLimit = 4
    /// Floats of dequantized weights per sgemm chunk (1 MiB, L2-sized).
    static let chunkFloats = 1 << 18
}
