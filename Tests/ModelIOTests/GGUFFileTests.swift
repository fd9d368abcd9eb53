import Foundation
import ModelIO
import Tensor
import Testing

/// Models/fixtures/llama/gguf_types.gguf, written by make_llama_fixtures.py with gguf's GGUFWriter;
/// expected values from gguf.quants.dequantize.
enum GGUFFixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models/fixtures/llama")
    static let file = directory.appendingPathComponent("gguf_types.gguf")

    struct Expected: Decodable { var type: String; var shape: [Int]; var values: [Float] }

    static func expected() throws -> [String: Expected] {
        try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: directory.appendingPathComponent("gguf_types.json")))
    }

    /// Writes `bytes` to a temporary file and returns its URL.
    static func temporary(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-gguf-\(UUID().uuidString).gguf")
        try Data(bytes).write(to: url)
        return url
    }
}

@Test func gguf_readsEveryMetadataType() throws {
    let file = try GGUFFile(url: GGUFFixture.file)
    #expect(file.version == 3)
    #expect(file.alignment == 32)
    #expect(file.metadata["general.architecture"] == .string("test"))
    #expect(file.metadata["t.u8"] == .uint8(200))
    #expect(file.metadata["t.i8"] == .int8(-100))
    #expect(file.metadata["t.u16"] == .uint16(60000))
    #expect(file.metadata["t.i16"] == .int16(-30000))
    #expect(file.metadata["t.u32"] == .uint32(4_000_000_000))
    #expect(file.metadata["t.i32"] == .int32(-2_000_000_000))
    #expect(file.metadata["t.f32"] == .float32(1.5))
    #expect(file.metadata["t.u64"] == .uint64(1 << 40))
    #expect(file.metadata["t.i64"] == .int64(-(1 << 40)))
    #expect(file.metadata["t.f64"] == .float64(0.125))
    #expect(file.metadata["t.bool"] == .bool(true))
    #expect(try file.string("t.str") == "héllo ✓")
    #expect(try file.ints("t.arr") == [1, 2, 3])
    #expect(try file.strings("t.strs") == ["a", "bc", ""])
    #expect(throws: ModelIOError.self) { try file.int("t.str") }
}

@Test func gguf_dequantizesLikeGGUFPython() throws {
    let file = try GGUFFile(url: GGUFFixture.file)
    let expected = try GGUFFixture.expected()
    #expect(expected.count == 5)
    for (name, want) in expected {
        let info = try #require(file.info(name))
        #expect(info.type.description == want.type)
        let tensor = try file.dequantized(name)
        #expect(tensor.shape == want.shape)
        let error = ReferenceKernels.maxAbsoluteError(tensor.toArray(), want.values)
        #expect(error <= 1e-6, "\(name): max error \(error)")
    }
}

@Test func gguf_rejectsBadMagicVersionAndTruncation() throws {
    let good = try [UInt8](Data(contentsOf: GGUFFixture.file))
    var badMagic = good; badMagic[0] = UInt8(ascii: "X")
    var badVersion = good; badVersion[4] = 9
    let truncatedHeader = Array(good.prefix(40))
    let truncatedData = Array(good.dropLast(100))
    for (bytes, fragment) in [(badMagic, "bad magic"), (badVersion, "version 9"),
                              (truncatedHeader, "truncated"), (truncatedData, "truncated")] {
        let url = try GGUFFixture.temporary(bytes)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            _ = try GGUFFile(url: url)
            Issue.record("expected an error containing '\(fragment)'")
        } catch let error as ModelIOError {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.contains(url.path))
        }
    }
}

@Test func gguf_unknownTensorTypeNamesTensor() throws {
    // Rewrite w.f32's type (u32 after its dims) to Q6_K = 14.
    var bytes = try [UInt8](Data(contentsOf: GGUFFixture.file))
    let name = Array("w.f32".utf8)
    let at = try #require((0..<(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
    let typeOffset = at + name.count + 4 + 2 * 8  // rank u32, two u64 dims
    #expect(bytes[typeOffset] == 0)
    bytes[typeOffset] = 14
    let url = try GGUFFixture.temporary(bytes)
    defer { try? FileManager.default.removeItem(at: url) }
    let file = try GGUFFile(url: url)
    #expect(throws: ModelIOError.unsupportedGGMLType(file: url.path, tensor: "w.f32", type: "Q6_K")) {
        try file.dequantized("w.f32")
    }
}

/// A GGUF v3 file with one F32 tensor named "w" of `dimensions` at offset 0 and `dataBytes` zero bytes
/// of data, built byte by byte (gguf.md: header, tensor infos, aligned data).
private func ggufWithTensor(dimensions: [UInt64], dataBytes: Int = 64) -> [UInt8] {
    var out: [UInt8] = []
    func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { out += $0 } }
    out += Array("GGUF".utf8)
    put(UInt32(3))
    put(UInt64(1))  // tensors
    put(UInt64(0))  // metadata entries
    put(UInt64(1)); out += Array("w".utf8)
    put(UInt32(dimensions.count))
    for d in dimensions { put(d) }
    put(UInt32(0))  // F32
    put(UInt64(0))  // offset
    while out.count % GGUFFile.defaultAlignment != 0 { out.append(0) }
    return out + [UInt8](repeating: 0, count: dataBytes)
}

/// Regression (issue 14): each dimension was checked, their product was not (SIGILL on open).
@Test func gguf_overflowingTensorSizeIsRejected() throws {
    let big = UInt64(Int32.max)
    for dimensions in [[576, big, big, big], [big, big, big, big], [1 << 30, 1 << 30, 4]] {
        let url = try GGUFFixture.temporary(ggufWithTensor(dimensions: dimensions))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try GGUFFile(url: url)
        } throws: { error in
            guard case let .invalidGGUF(file, detail) = error as? ModelIOError else { return false }
            return file == url.path && detail.contains("'w'")
        }
    }
}

/// Regression (issue 14, found writing the FuzzGGUF harness; reproduced through it): a zero dimension made the product check pass, and
/// `elementCount` then overflowed multiplying the other three (SIGILL).
@Test func gguf_zeroDimensionWithOverflowingOthersIsRejected() throws {
    let big = UInt64(Int32.max)
    let url = try GGUFFixture.temporary(ggufWithTensor(dimensions: [big, big, big, 0], dataBytes: 0))
    defer { try? FileManager.default.removeItem(at: url) }
    #expect {
        try GGUFFile(url: url)
    } throws: { error in
        guard case let .invalidGGUF(file, detail) = error as? ModelIOError else { return false }
        return file == url.path && detail.contains("'w'")
    }
}

/// Regression (issue 14, found writing the FuzzGGUF harness; reproduced through it): rows of zero columns were dequantized one by one, 2⁶² of
/// them (a hang). An empty tensor reads at once now.
@Test func gguf_emptyRowsDequantizeAtOnce() throws {
    let big = UInt64(Int32.max)
    let url = try GGUFFixture.temporary(ggufWithTensor(dimensions: [0, big, big], dataBytes: 0))
    defer { try? FileManager.default.removeItem(at: url) }
    let file = try GGUFFile(url: url)
    #expect(file.tensors.first?.elementCount == 0)
    #expect(try file.dequantized("w").shape == [Int(big), Int(big), 0])
}

/// The same builder makes a readable file when the sizes are sane, so the test above fails for the
/// right reason.
@Test func gguf_smallBuiltTensorReads() throws {
    let url = try GGUFFixture.temporary(ggufWithTensor(dimensions: [4, 2], dataBytes: 32))
    defer { try? FileManager.default.removeItem(at: url) }
    let file = try GGUFFile(url: url)
    #expect(try file.dequantized("w").shape == [2, 4])
    let short = try GGUFFixture.temporary(ggufWithTensor(dimensions: [4, 3], dataBytes: 32))
    defer { try? FileManager.default.removeItem(at: short) }
    #expect(throws: ModelIOError.self) { try GGUFFile(url: short) }
}

/// A GGUF v3 file with no tensors and one metadata entry "k" of raw `value` bytes of type `type`.
private func ggufWithMetadata(type: UInt32, value: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    out += Array("GGUF".utf8)
    put(UInt32(3))
    put(UInt64(0))  // tensors
    put(UInt64(1))  // metadata entries
    put(UInt64(1)); out += Array("k".utf8)
    put(type)
    return out + value
}

/// Arrays nested 100,000 deep recursed once per level (a stack overflow); a count the file cannot
/// hold reserved room for it first. Both are clear errors now.
@Test func gguf_deepOrOversizedMetadataArraysAreRejected() throws {
    var nested: [UInt8] = []
    for _ in 0..<100_000 {
        withUnsafeBytes(of: UInt32(9).littleEndian) { nested += $0 }  // element type: array
        withUnsafeBytes(of: UInt64(1).littleEndian) { nested += $0 }  // one element
    }
    var huge: [UInt8] = []
    withUnsafeBytes(of: UInt32(0).littleEndian) { huge += $0 }         // u8 elements
    withUnsafeBytes(of: UInt64(1 << 26).littleEndian) { huge += $0 }   // 2²⁶ of them, none present
    for (value, fragment) in [(nested, "nested deeper"), (huge, "bytes left")] {
        let url = try GGUFFixture.temporary(ggufWithMetadata(type: 9, value: value))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try GGUFFile(url: url)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains(fragment) && "\(error)".contains("'k'")
        }
    }
}
