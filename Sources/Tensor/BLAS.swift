import COpenBLAS

/// Thin, typed wrappers over OpenBLAS (CBLAS, row-major).
public enum BLAS {
    /// Whether a GEMM operand is used as stored or transposed.
    public enum Transpose: Sendable {
        case none
        case transposed

        var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    }

    /// Sets the number of OpenBLAS worker threads for the whole process.
    ///
    /// OpenBLAS keeps one global thread pool; call this once from configuration at start-up.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The number of OpenBLAS worker threads currently configured.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
    ///
    /// op(A) is [m, k], op(B) is [k, n], C is [m, n]; `lda`, `ldb`, `ldc` are the row strides of the
    /// stored matrices (so sub-matrices of wider buffers, e.g. one attention head, need no copy).
    @inline(__always)
    public static func gemm(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// Strided batched GEMM: for each i in 0..<batchCount, C_i = alpha · op(A_i) · op(B_i) + beta · C_i,
    /// with A_i = a + i·strideA (and likewise for B and C).
    public static func gemmStridedBatched(
        _ transA: Transpose, _ transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, strideA: Int,
        b: UnsafePointer<Float>, ldb: Int, strideB: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int,
        batchCount: Int
    ) {
        for i in 0..<batchCount {
            gemm(transA, transB, m: m, n: n, k: k, alpha: alpha,
                 a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
                 beta: beta, c: c + i * strideC, ldc: ldc)
        }
    }

    /// y = x · Wᵀ (+ y if `accumulate`), the PyTorch `nn.Linear` layout: x [rows, inFeatures],
    /// W [outFeatures, inFeatures], y [rows, outFeatures].
    @inline(__always)
    public static func linear(
        _ x: UnsafePointer<Float>, rows: Int, inFeatures: Int,
        weight: UnsafePointer<Float>, outFeatures: Int,
        into y: UnsafeMutablePointer<Float>, accumulate: Bool = false
    ) {
        gemm(.none, .transposed, m: rows, n: outFeatures, k: inFeatures,
             a: x, lda: inFeatures, b: weight, ldb: inFeatures,
             beta: accumulate ? 1 : 0, c: y, ldc: outFeatures)
    }
}
