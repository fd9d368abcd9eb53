/// One GGUF metadata value (gguf.md "gguf_metadata_value_type"): scalars, UTF-8 strings and
/// homogeneous arrays (arrays may nest).
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16)
    case uint32(UInt32), int32(Int32), uint64(UInt64), int64(Int64)
    case float32(Float), float64(Double)
    case bool(Bool)
    case string(String)
    case array([GGUFValue])

    /// The value as an integer, for any integer case (nil otherwise or when it does not fit an Int).
    public var int: Int? {
        switch self {
        case let .uint8(v): return Int(v)
        case let .int8(v): return Int(v)
        case let .uint16(v): return Int(v)
        case let .int16(v): return Int(v)
        case let .uint32(v): return Int(v)
        case let .int32(v): return Int(v)
        case let .uint64(v): return Int(exactly: v)
        case let .int64(v): return Int(v)
        default: return nil
        }
    }

    /// The value as a float, for float and integer cases.
    public var double: Double? {
        switch self {
        case let .float32(v): return Double(v)
        case let .float64(v): return v
        default: return int.map(Double.init)
        }
    }

    /// The string, for `.string`.
    public var string: String? { if case let .string(s) = self { return s } else { return nil } }

    /// The Boolean, for `.bool`.
    public var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }

    /// The elements, for `.array`.
    public var array: [GGUFValue]? { if case let .array(a) = self { return a } else { return nil } }
}
