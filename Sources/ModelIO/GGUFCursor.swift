/// A bounds-checked little-endian reader over a GGUF header (gguf.md: all values little-endian,
/// strings are `u64 length` + UTF-8 bytes without terminator).
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    var offset = 0

    /// Arrays longer than this are refused as corrupt (a real vocabulary has ~10^5 entries).
    static let maxArrayCount = 1 << 26
    /// Arrays nested deeper than this are refused: gguf.md allows arrays of arrays, real files nest at
    /// most once, and each level recurses (a file of nested headers would otherwise exhaust the stack).
    static let maxArrayDepth = 8

    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else {
            throw ModelIOError.truncated(file: file, detail: "file ends at byte \(bytes.count) while reading \(what())")
        }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try read(UInt64.self, what())
        guard length <= UInt64(bytes.count - offset) else {
            throw ModelIOError.truncated(file: file, detail: "string of \(length) bytes runs past the end (\(what()))")
        }
        let count = Int(length)
        let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), as: UTF8.self)
        offset += count
        return string
    }

    /// Reads a value of GGUF metadata type `type` (gguf.md `gguf_metadata_value_type`); `depth` counts
    /// the arrays it is nested in.
    mutating func readValue(type: UInt32, key: String, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try read(UInt8.self, key))
        case 1: return .int8(try read(Int8.self, key))
        case 2: return .uint16(try read(UInt16.self, key))
        case 3: return .int16(try read(Int16.self, key))
        case 4: return .uint32(try read(UInt32.self, key))
        case 5: return .int32(try read(Int32.self, key))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self, key)))
        case 7:
            let raw = try read(UInt8.self, key)
            guard raw <= 1 else { throw ModelIOError.invalidGGUF(file: file, detail: "metadata '\(key)': bool byte \(raw)") }
            return .bool(raw == 1)
        case 8: return .string(try readString(key))
        case 9:
            let elementType = try read(UInt32.self, key)
            let count = try read(UInt64.self, key)
            guard count <= UInt64(Self.maxArrayCount) else {
                throw ModelIOError.invalidGGUF(file: file, detail: "metadata '\(key)': array of \(count) elements")
            }
            guard depth < Self.maxArrayDepth else {
                throw ModelIOError.invalidGGUF(file: file, detail: "metadata '\(key)': arrays nested deeper than \(Self.maxArrayDepth)")
            }
            // Every element takes at least one byte: a count the rest of the file cannot hold is
            // truncation, found before reserving room for it (2²⁶ elements would reserve ~1.6 GB).
            guard count <= UInt64(bytes.count - offset) else {
                throw ModelIOError.truncated(
                    file: file, detail: "metadata '\(key)': array of \(count) elements in the \(bytes.count - offset) bytes left")
            }
            var values: [GGUFValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<Int(count) { values.append(try readValue(type: elementType, key: key, depth: depth + 1)) }
            return .array(values)
        case 10: return .uint64(try read(UInt64.self, key))
        case 11: return .int64(try read(Int64.self, key))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self, key)))
        default:
            throw ModelIOError.invalidGGUF(file: file, detail: "metadata '\(key)': unknown value type \(type)")
        }
    }
}
