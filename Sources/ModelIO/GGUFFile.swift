import Foundation
import Tensor

/// A memory-mapped GGUF v2/v3 file (ggml-org/ggml docs/gguf.md): metadata key/values, tensor infos and
/// the aligned tensor data section. Tensors are borrowed from the mapping (quantized ones stay quantized).
public final class GGUFFile: @unchecked Sendable {
    /// One entry of the tensor table.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        /// Dimensions as ggml orders them: `dimensions[0]` is the innermost (contiguous) one, so a
        /// PyTorch weight [out, in] appears as [in, out].
        public let dimensions: [Int]
        public let type: GGMLType
        /// Byte offset from the start of the data section.
        public let offset: Int
        /// Bytes of data (0 when the type is unsupported).
        public let byteCount: Int
        public var elementCount: Int { dimensions.reduce(1, *) }
    }

    /// "GGUF" read as a little-endian u32.
    static let magic: UInt32 = 0x4655_4747
    /// Data-section alignment when `general.alignment` is absent (gguf.md `GGUF_DEFAULT_ALIGNMENT`).
    public static let defaultAlignment = 32

    /// The file's path (used in error messages).
    public let path: String
    public let version: UInt32
    /// Metadata in file order is not kept; keys are unique per gguf.md.
    public let metadata: [String: GGUFValue]
    /// Tensor infos in file order.
    public let tensors: [TensorInfo]
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int
    private let file: MappedFile
    private let index: [String: Int]

    /// Maps and parses the file at `url`. Throws on bad magic, unsupported version, truncation, bad
    /// metadata, tensors outside the file or misaligned; unsupported tensor types only throw when read.
    public convenience init(url: URL) throws {
        try self.init(file: MappedFile(url: url))
    }

    init(file: MappedFile) throws {
        self.file = file
        path = file.path
        var cursor = GGUFCursor(bytes: file.bytes, file: file.path)
        let magic = try cursor.read(UInt32.self, "the magic number")
        guard magic == Self.magic else {
            throw ModelIOError.invalidGGUF(file: path, detail: String(format: "bad magic 0x%08x (expected 'GGUF')", magic))
        }
        version = try cursor.read(UInt32.self, "the version")
        guard version == 2 || version == 3 else {
            throw ModelIOError.invalidGGUF(file: path, detail: "unsupported version \(version) (expected 2 or 3)")
        }
        let tensorCount = try cursor.read(UInt64.self, "the tensor count")
        let kvCount = try cursor.read(UInt64.self, "the metadata count")
        // Each entry takes at least 8 bytes, so larger counts cannot fit in the file.
        guard tensorCount <= UInt64(file.bytes.count / 8), kvCount <= UInt64(file.bytes.count / 8) else {
            throw ModelIOError.truncated(
                file: path, detail: "\(tensorCount) tensors and \(kvCount) metadata entries cannot fit in \(file.bytes.count) bytes")
        }
        var metadata: [String: GGUFValue] = [:]
        for i in 0..<Int(kvCount) {
            let key = try cursor.readString("metadata key #\(i)")
            let type = try cursor.read(UInt32.self, "the type of '\(key)'")
            metadata[key] = try cursor.readValue(type: type, key: key)
        }
        self.metadata = metadata
        let alignment = metadata["general.alignment"]?.int ?? Self.defaultAlignment
        guard alignment > 0, alignment & (alignment - 1) == 0 else {
            throw ModelIOError.invalidGGUF(file: path, detail: "general.alignment \(alignment) is not a power of two")
        }
        self.alignment = alignment

        var infos: [TensorInfo] = []
        for i in 0..<Int(tensorCount) {
            let name = try cursor.readString("tensor name #\(i)")
            let rank = try cursor.read(UInt32.self, "the rank of '\(name)'")
            guard rank >= 1, rank <= 4 else {
                throw ModelIOError.invalidGGUF(file: path, detail: "tensor '\(name)': rank \(rank) (expected 1...4)")
            }
            var dimensions: [Int] = []
            for _ in 0..<rank {
                let d = try cursor.read(UInt64.self, "the shape of '\(name)'")
                guard d <= UInt64(Int32.max) else {
                    throw ModelIOError.invalidGGUF(file: path, detail: "tensor '\(name)': dimension \(d)")
                }
                dimensions.append(Int(d))
            }
            // Each dimension fits in 31 bits but their product need not fit in Int: check it here, once,
            // so that `elementCount`, `byteCount` and the row count of `matrix(_:)` cannot overflow later.
            // Zero dimensions aside: [2³¹−1, 2³¹−1, 2³¹−1, 0] has no elements, but multiplying in order overflows.
            guard dimensions.filter({ $0 != 0 }).checkedProduct() != nil else {
                throw ModelIOError.invalidGGUF(
                    file: path, detail: "tensor '\(name)': dimensions \(dimensions) have more than \(Int.max) elements")
            }
            let type = GGMLType(rawValue: try cursor.read(UInt32.self, "the type of '\(name)'"))
            let offset = try cursor.read(UInt64.self, "the offset of '\(name)'")
            var byteCount = 0
            if let format = type.format {
                guard dimensions[0] % format.blockSize == 0 else {
                    throw ModelIOError.invalidGGUF(
                        file: path, detail: "tensor '\(name)': row of \(dimensions[0]) is not a multiple of \(format.blockSize) (\(type))")
                }
                guard let bytes = dimensions.dropFirst().checkedProduct(times: format.rowBytes(columns: dimensions[0])) else {
                    throw ModelIOError.invalidGGUF(
                        file: path, detail: "tensor '\(name)': dimensions \(dimensions) of \(type) need more than \(Int.max) bytes")
                }
                byteCount = bytes
            }
            guard offset <= UInt64(file.bytes.count), Int(offset) % alignment == 0 else {
                throw ModelIOError.invalidGGUF(file: path, detail: "tensor '\(name)': offset \(offset) is out of range or not \(alignment)-aligned")
            }
            infos.append(TensorInfo(name: name, dimensions: dimensions, type: type, offset: Int(offset), byteCount: byteCount))
        }
        tensors = infos
        dataOffset = (cursor.offset + alignment - 1) / alignment * alignment
        var index: [String: Int] = [:]
        for (i, info) in infos.enumerated() {
            guard index.updateValue(i, forKey: info.name) == nil else {
                throw ModelIOError.invalidGGUF(file: path, detail: "tensor '\(info.name)' appears twice")
            }
            // dataOffset and info.offset are each at most the file size; byteCount may be anything.
            guard let end = (dataOffset + info.offset).checkedAdding(info.byteCount), end <= file.bytes.count else {
                throw ModelIOError.truncated(
                    file: path, detail: "tensor '\(info.name)' needs \(info.byteCount) bytes from offset \(dataOffset + info.offset), file has \(file.bytes.count)")
            }
        }
        self.index = index
    }

    /// The tensor info named `name`, if present.
    public func info(_ name: String) -> TensorInfo? { index[name].map { tensors[$0] } }

    /// The raw bytes of a tensor (borrowed from the mapping; valid while this file lives).
    public func rawBytes(of info: TensorInfo) -> UnsafeRawBufferPointer {
        let start = dataOffset + info.offset
        return UnsafeRawBufferPointer(rebasing: file.bytes[start..<(start + info.byteCount)])
    }

    /// A tensor as a matrix [rows = product of outer dimensions, columns = dimensions[0]] in its stored
    /// format, borrowed zero-copy. 1-D tensors are one row.
    public func matrix(_ name: String) throws -> QuantizedMatrix {
        guard let info = info(name) else { throw ModelIOError.missingTensor(tensor: name, location: path) }
        guard let format = info.type.format else {
            throw ModelIOError.unsupportedGGMLType(file: path, tensor: name, type: info.type.description)
        }
        let raw = rawBytes(of: info)
        let base = raw.baseAddress ?? UnsafeRawPointer(file.bytes.baseAddress!)
        return QuantizedMatrix(format: format, rows: info.dimensions.dropFirst().reduce(1, *),
                               columns: info.dimensions[0], data: base, owner: file)
    }

    /// A tensor dequantized to fp32, shaped PyTorch-style (outermost first: ggml dimensions reversed).
    public func dequantized(_ name: String) throws -> Tensor {
        let info = try info(name).orThrow(ModelIOError.missingTensor(tensor: name, location: path))
        let matrix = try matrix(name)
        let tensor = Tensor(zeros: Array(info.dimensions.reversed()))
        // An empty row ([0, 2³¹−1, 2³¹−1]) would still be visited 2⁶² times: nothing to read then.
        guard matrix.columns > 0 else { return tensor }
        for r in 0..<matrix.rows { matrix.dequantizeRow(r, into: tensor.pointer + r * matrix.columns) }
        return tensor
    }

    /// The metadata value for `key`, or a clear error naming the file and key.
    public func value(_ key: String) throws -> GGUFValue {
        guard let value = metadata[key] else {
            throw ModelIOError.invalidMetadata(file: path, key: key, detail: "missing")
        }
        return value
    }

    /// An integer metadata value (nil when absent; throws when present with a non-integer type).
    public func int(_ key: String) throws -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let int = value.int else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected an integer") }
        return int
    }

    /// A float metadata value (nil when absent; throws when present with a non-numeric type).
    public func double(_ key: String) throws -> Double? {
        guard let value = metadata[key] else { return nil }
        guard let double = value.double else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected a number") }
        return double
    }

    /// A string metadata value (nil when absent; throws when present with another type).
    public func string(_ key: String) throws -> String? {
        guard let value = metadata[key] else { return nil }
        guard let string = value.string else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected a string") }
        return string
    }

    /// A string-array metadata value (nil when absent).
    public func strings(_ key: String) throws -> [String]? {
        guard let value = metadata[key] else { return nil }
        guard let array = value.array else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected an array") }
        return try array.map {
            guard let s = $0.string else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected strings") }
            return s
        }
    }

    /// An integer-array metadata value (nil when absent).
    public func ints(_ key: String) throws -> [Int]? {
        guard let value = metadata[key] else { return nil }
        guard let array = value.array else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected an array") }
        return try array.map {
            guard let i = $0.int else { throw ModelIOError.invalidMetadata(file: path, key: key, detail: "expected integers") }
            return i
        }
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let value = self else { throw error() }
        return value
    }
}
