/// A row-major [rows, columns] matrix read one row at a time as fp32: an embedding table.
///
/// fp16 storage stays fp16 and each looked-up row is converted on read (fp16 → fp32 is exact, so
/// results equal those of a converted table). For the default guard model this keeps the 30522×384
/// word-embedding table at 23 MB instead of 47 MB of fp32, and when the fp16 bytes are borrowed from
/// a memory-mapped checkpoint only the pages of rows actually looked up become resident (clean file
/// pages, which the kernel can reclaim).
public final class RowTable: @unchecked Sendable {
    /// The number of rows.
    public let rows: Int
    /// Floats per row.
    public let columns: Int

    private enum Storage {
        case float32(Tensor)
        /// fp16 bytes; `owned` when this table allocated them (released in deinit).
        case float16(UnsafeRawPointer, owner: AnyObject?, owned: Bool)
    }

    private let storage: Storage

    /// Reads rows of an fp32 tensor [rows, columns] (borrowed or owned; kept alive by the table).
    public init(_ tensor: Tensor) {
        precondition(tensor.shape.count == 2, "RowTable: expected a [rows, columns] tensor, got \(tensor.shape)")
        rows = tensor.shape[0]
        columns = tensor.shape[1]
        storage = .float32(tensor)
    }

    /// Borrows `rows × columns` IEEE fp16 values at `pointer` (any alignment), kept valid by `owner`
    /// (for example the mapped checkpoint file), which the table retains.
    public init(float16 pointer: UnsafeRawPointer, rows: Int, columns: Int, owner: AnyObject) {
        self.rows = rows
        self.columns = columns
        storage = .float16(pointer, owner: owner, owned: false)
    }

    /// Copies `rows × columns` IEEE fp16 values from `source` into storage the table owns.
    public init(copyingFloat16 source: UnsafeRawPointer, rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let byteCount = rows * columns * 2
        let copy = AlignedMemory.allocate(byteCount: byteCount, alignment: Tensor.alignment).pointer
        copy.copyMemory(from: source, byteCount: byteCount)
        storage = .float16(UnsafeRawPointer(copy), owner: nil, owned: true)
    }

    deinit {
        if case let .float16(pointer, _, true) = storage {
            AlignedMemory.deallocate(UnsafeMutableRawPointer(mutating: pointer), byteCount: rows * columns * 2)
        }
    }

    /// Whether rows are stored as fp16 (converted on read).
    public var isFloat16: Bool {
        if case .float16 = storage { return true }
        return false
    }

    /// Writes row `index` as fp32 into `destination` [columns].
    @inline(__always)
    public func copyRow(_ index: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(index >= 0 && index < rows, "RowTable: row \(index) out of 0..<\(rows)")
        switch storage {
        case let .float32(tensor):
            destination.update(from: tensor.pointer + index * columns, count: columns)
        case let .float16(pointer, _, _):
            Kernels.convertFloat16(pointer + index * columns * 2, to: destination, count: columns)
        }
    }
}
