import Foundation
import Tensor

/// A safetensors file (https://huggingface.co/docs/safetensors), memory-mapped.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
/// `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the byte after the header),
/// then the data. The header is validated eagerly: every entry's dtype, shape and byte range must be
/// consistent and lie inside the file, so a truncated or corrupt file fails at open, naming itself
/// and the offending tensor.
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafetensorsDType
        public let shape: [Int]
        /// Byte range within the data section.
        public let byteRange: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// Upper bound on the JSON header size (the reference implementation uses 100 MB).
    static let maxHeaderLength = 100_000_000

    /// The file's path, as used in error messages.
    public let path: String
    /// Header entries by tensor name.
    public let entries: [String: Entry]
    /// The `__metadata__` string map, if present.
    public let metadata: [String: String]

    private let file: MappedFile
    private let dataOffset: Int

    /// Maps and validates the file at `url`.
    public init(url: URL) throws {
        file = try MappedFile(url: url)
        path = url.path
        let bytes = file.bytes
        guard bytes.count >= 8 else {
            throw ModelIOError.truncated(file: path, detail: "\(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw ModelIOError.invalidHeader(file: path, detail: "header length \(headerLength) exceeds \(Self.maxHeaderLength)")
        }
        guard Int(headerLength) <= bytes.count - 8 else {
            throw ModelIOError.truncated(file: path, detail: "header length \(headerLength) but only \(bytes.count - 8) bytes follow")
        }
        dataOffset = 8 + Int(headerLength)
        let headerData = Data(bytes[8..<dataOffset])
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw ModelIOError.invalidHeader(file: path, detail: "header is not valid JSON")
        }
        guard let object = json as? [String: Any] else {
            throw ModelIOError.invalidHeader(file: path, detail: "header JSON is not an object")
        }
        let dataSize = bytes.count - dataOffset
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            entries[name] = try Self.parseEntry(name: name, value: value, dataSize: dataSize, file: path)
        }
        // The format lays tensors out back to back; overlapping byte ranges mean a corrupt header.
        let ordered = entries.values.filter { !$0.byteRange.isEmpty }.sorted { $0.byteRange.lowerBound < $1.byteRange.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.byteRange.lowerBound < previous.byteRange.upperBound {
            throw ModelIOError.invalidTensorEntry(
                file: path, tensor: next.name, detail: "data_offsets overlap those of '\(previous.name)'")
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func parseEntry(name: String, value: Any, dataSize: Int, file: String) throws -> Entry {
        func bad(_ detail: String) -> ModelIOError { .invalidTensorEntry(file: file, tensor: name, detail: detail) }
        guard let fields = value as? [String: Any] else { throw bad("entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw bad("missing dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw ModelIOError.unsupportedDType(file: file, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = fields["shape"] as? [NSNumber], let shape = Self.integers(shapeValues) else {
            throw bad("missing or non-integer shape")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw bad("negative dimension in shape \(shape)") }
        // A zero dimension makes the tensor empty, but `elementCount` and the loaders multiply the dimensions in
        // order, so [2³², 2³², 0] would still overflow on the way to 0: the other dimensions must fit together too.
        guard shape.filter({ $0 != 0 }).checkedProduct() != nil else {
            throw bad("shape \(shape) has more than \(Int.max) elements, zero dimensions aside")
        }
        guard let offsetValues = fields["data_offsets"] as? [NSNumber], let offsets = Self.integers(offsetValues),
              offsets.count == 2 else {
            throw bad("data_offsets must be [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else { throw bad("data_offsets [\(begin), \(end)] are not ordered") }
        guard end <= dataSize else {
            throw ModelIOError.truncated(file: file, detail: "tensor '\(name)' ends at byte \(end) of the data section, which has \(dataSize) bytes")
        }
        // Sizes come from the file: every product is overflow-checked, so a shape such as [2⁶²] of F32
        // is reported instead of trapping.
        guard let byteCount = shape.checkedProduct(times: dtype.byteSize) else {
            throw bad("shape \(shape) of \(dtypeName) needs more than \(Int.max) bytes, data_offsets give \(end - begin)")
        }
        guard end - begin == byteCount else {
            throw bad("shape \(shape) of \(dtypeName) needs \(byteCount) bytes, data_offsets give \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// JSON numbers as `Int`s, or nil when one is fractional or outside `Int`'s range (1e30 or 1.5 in
    /// a shape must be refused, not truncated or wrapped).
    private static func integers(_ numbers: [NSNumber]) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(numbers.count)
        for number in numbers {
            let double = number.doubleValue
            // 2⁶³ is exactly representable; anything at or beyond it does not fit in Int.
            guard double.isFinite, double > -0x1p63, double < 0x1p63 else { return nil }
            let integer = Int(number.int64Value)
            guard Double(integer) == double else { return nil }
            result.append(integer)
        }
        return result
    }

    /// Tensor names, sorted.
    public var tensorNames: [String] { entries.keys.sorted() }

    /// The raw bytes of a tensor (borrowed from the mapping; valid while this file lives).
    public func rawBytes(of entry: Entry) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file.bytes[(dataOffset + entry.byteRange.lowerBound)..<(dataOffset + entry.byteRange.upperBound)])
    }

    /// Loads a tensor as fp32.
    ///
    /// F16, BF16 and F64 are converted into an owned aligned buffer. F32 is borrowed zero-copy from
    /// the mapping when `zeroCopy` is true and the data is 4-byte aligned, otherwise copied. Once a
    /// tensor is converted or copied, the mapping's pages holding it are dropped from memory (they
    /// would otherwise stay resident next to the copy while the file is mapped).
    public func tensor(named name: String, zeroCopy: Bool = true) throws -> Tensor {
        guard let entry = entries[name] else {
            throw ModelIOError.missingTensor(tensor: name, location: path)
        }
        let tensor = try load(entry, zeroCopy: zeroCopy)
        if tensor.isOwned { file.discardPages(in: fileRange(of: entry)) }
        return tensor
    }

    /// A 2-D tensor as a row table (an embedding): F16 stays fp16, borrowed from the mapping when
    /// `zeroCopy` (only the rows read become resident) and copied otherwise; other dtypes load as
    /// `tensor(named:zeroCopy:)` does.
    public func rowTable(named name: String, zeroCopy: Bool = true) throws -> RowTable {
        guard let entry = entries[name] else {
            throw ModelIOError.missingTensor(tensor: name, location: path)
        }
        guard entry.shape.count == 2 else {
            throw ModelIOError.invalidTensorEntry(file: path, tensor: name, detail: "a row table needs 2 dimensions, shape is \(entry.shape)")
        }
        guard entry.dtype == .f16, entry.elementCount > 0 else { return RowTable(try tensor(named: name, zeroCopy: zeroCopy)) }
        let raw = rawBytes(of: entry)
        let (rows, columns) = (entry.shape[0], entry.shape[1])
        guard zeroCopy else {
            let table = RowTable(copyingFloat16: raw.baseAddress!, rows: rows, columns: columns)
            file.discardPages(in: fileRange(of: entry))
            return table
        }
        return RowTable(float16: raw.baseAddress!, rows: rows, columns: columns, owner: file)
    }

    /// The entry's byte range within the whole file.
    private func fileRange(of entry: Entry) -> Range<Int> {
        (dataOffset + entry.byteRange.lowerBound)..<(dataOffset + entry.byteRange.upperBound)
    }

    private func load(_ entry: Entry, zeroCopy: Bool) throws -> Tensor {
        let raw = rawBytes(of: entry)
        let count = entry.elementCount
        switch entry.dtype {
        case .f32:
            if zeroCopy, count > 0, let base = raw.baseAddress,
               Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 {
                let pointer = UnsafeMutableRawPointer(mutating: base).assumingMemoryBound(to: Float.self)
                return Tensor(shape: entry.shape, borrowing: pointer, owner: file)
            }
            let tensor = Tensor(zeros: entry.shape)
            if count > 0 { UnsafeMutableRawPointer(tensor.pointer).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            return tensor
        case .f16:
            let tensor = Tensor(zeros: entry.shape)
            if count > 0 { Kernels.convertFloat16(UnsafeRawPointer(raw.baseAddress!), to: tensor.pointer, count: count) }
            return tensor
        case .bf16:
            // bfloat16 is the top half of an IEEE fp32.
            let tensor = Tensor(zeros: entry.shape)
            let out = tensor.pointer
            for i in 0..<count {
                let bits = UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16
                out[i] = Float(bitPattern: bits)
            }
            return tensor
        case .f64:
            let tensor = Tensor(zeros: entry.shape)
            let out = tensor.pointer
            for i in 0..<count { out[i] = Float(raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            return tensor
        default:
            throw ModelIOError.unsupportedDType(file: path, tensor: entry.name, dtype: entry.dtype.rawValue)
        }
    }
}
