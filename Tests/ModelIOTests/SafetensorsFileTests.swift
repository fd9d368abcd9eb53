import Foundation
import Testing
@testable import ModelIO
import Tensor

@Suite struct SafetensorsFileTests {
    @Test func readsF32ZeroCopyAndCopy() throws {
        var b = SafetensorsBuilder()
        b.addF32("w", shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        b.addF32("b", shape: [3], values: [-1, 0, 1])
        let file = try SafetensorsFile(url: SafetensorsBuilder.write(b.build()))
        #expect(file.tensorNames == ["b", "w"])
        #expect(file.metadata["format"] == "pt")
        let borrowed = try file.tensor(named: "w", zeroCopy: true)
        #expect(borrowed.shape == [2, 3])
        #expect(borrowed.toArray() == [1, 2, 3, 4, 5, 6])
        #expect(!borrowed.isOwned)
        let copied = try file.tensor(named: "b", zeroCopy: false)
        #expect(copied.toArray() == [-1, 0, 1])
        #expect(copied.isOwned)
    }

    @Test func convertsF16BF16AndF64() throws {
        let values: [Float] = [0.5, -2, 65504, 1.0 / 3.0]
        var b = SafetensorsBuilder()
        b.addRaw("h", dtype: "F16", shape: [4], bytes: values.flatMap { withUnsafeBytes(of: Float16($0).bitPattern.littleEndian, Array.init) })
        b.addRaw("bf", dtype: "BF16", shape: [4], bytes: values.flatMap { withUnsafeBytes(of: UInt16($0.bitPattern >> 16).littleEndian, Array.init) })
        b.addRaw("d", dtype: "F64", shape: [4], bytes: values.flatMap { withUnsafeBytes(of: Double($0).bitPattern.littleEndian, Array.init) })
        let file = try SafetensorsFile(url: SafetensorsBuilder.write(b.build()))
        let h = try file.tensor(named: "h").toArray()
        let bf = try file.tensor(named: "bf").toArray()
        let d = try file.tensor(named: "d").toArray()
        for i in values.indices {
            #expect(abs(h[i] - values[i]) <= abs(values[i]) * 1e-3)
            #expect(abs(bf[i] - values[i]) <= abs(values[i]) * 1e-2)
            #expect(d[i] == values[i])
        }
    }

    @Test func rowTable_keepsF16AndConvertsRowsExactly() throws {
        // 3 rows x 5 columns; a later F16 tensor spans several pages so discarding its pages is exercised.
        let values: [Float] = (0..<15).map { Float($0) * 0.37 - 2 }
        let big: [Float] = (0..<6000).map { Float($0 % 97) / 8 }
        func half(_ v: [Float]) -> [UInt8] { v.flatMap { withUnsafeBytes(of: Float16($0).bitPattern.littleEndian, Array.init) } }
        var b = SafetensorsBuilder()
        b.addRaw("emb", dtype: "F16", shape: [3, 5], bytes: half(values))
        b.addRaw("big", dtype: "F16", shape: [2, 3000], bytes: half(big))
        b.addF32("f", shape: [2, 2], values: [1, 2, 3, 4])
        let file = try SafetensorsFile(url: SafetensorsBuilder.write(b.build()))
        for zeroCopy in [true, false] {
            let table = try file.rowTable(named: "emb", zeroCopy: zeroCopy)
            #expect(table.isFloat16 && table.rows == 3 && table.columns == 5)
            var row = [Float](repeating: 0, count: 5)
            for r in 0..<3 {
                table.copyRow(r, into: &row)
                #expect(row == values[(r * 5)..<(r * 5 + 5)].map { Float(Float16($0)) })
            }
        }
        // Converting "big" drops its mapped pages; the mapping must still read the same bytes.
        let first = try file.tensor(named: "big").toArray()
        let second = try file.tensor(named: "big").toArray()
        #expect(first == second && first == big.map { Float(Float16($0)) })
        let f32 = try file.rowTable(named: "f")
        #expect(!f32.isFloat16)
        var row = [Float](repeating: 0, count: 2)
        f32.copyRow(1, into: &row)
        #expect(row == [3, 4])
        #expect(throws: ModelIOError.self) { try file.rowTable(named: "missing") }
    }

    @Test func truncatedFile_namesFileAndTensor() throws {
        var b = SafetensorsBuilder()
        b.addF32("encoder.weight", shape: [4, 4], values: [Float](repeating: 1, count: 16))
        let bytes = b.build()
        let url = try SafetensorsBuilder.write(Array(bytes.dropLast(10)))
        #expect {
            try SafetensorsFile(url: url)
        } throws: { error in
            guard case let .truncated(file, detail) = error as? ModelIOError else { return false }
            return file == url.path && detail.contains("encoder.weight")
        }
    }

    @Test func shorterThanLengthPrefix_isTruncated() throws {
        let url = try SafetensorsBuilder.write([1, 2, 3])
        #expect(throws: ModelIOError.self) { try SafetensorsFile(url: url) }
        let tooLongHeader = try SafetensorsBuilder.write([200, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8))
        #expect {
            try SafetensorsFile(url: tooLongHeader)
        } throws: { error in
            guard case let .truncated(file, _) = error as? ModelIOError else { return false }
            return file == tooLongHeader.path
        }
    }

    @Test func badHeaderJSON_isInvalidHeader() throws {
        let url = try SafetensorsBuilder.write(SafetensorsBuilder().build(headerOverride: "{\"w\": [not json"))
        #expect {
            try SafetensorsFile(url: url)
        } throws: { error in
            guard case let .invalidHeader(file, _) = error as? ModelIOError else { return false }
            return file == url.path && "\(error)".contains(url.path)
        }
    }

    @Test func sizeMismatch_isInvalidTensorEntry() throws {
        var b = SafetensorsBuilder()
        b.addRaw("bias", dtype: "F32", shape: [3], bytes: [UInt8](repeating: 0, count: 8))
        let url = try SafetensorsBuilder.write(b.build())
        #expect(throws: ModelIOError.invalidTensorEntry(file: url.path, tensor: "bias",
                                                        detail: "shape [3] of F32 needs 12 bytes, data_offsets give 8")) {
            try SafetensorsFile(url: url)
        }
    }

    @Test func overlappingOffsets_areInvalid() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        var builder = SafetensorsBuilder()
        builder.addRaw("pad", dtype: "U8", shape: [12], bytes: [UInt8](repeating: 0, count: 12))
        let url = try SafetensorsBuilder.write(builder.build(headerOverride: header))
        #expect(throws: ModelIOError.invalidTensorEntry(file: url.path, tensor: "b", detail: "data_offsets overlap those of 'a'")) {
            try SafetensorsFile(url: url)
        }
    }

    @Test func unconvertibleDType_namesTensor() throws {
        var b = SafetensorsBuilder()
        b.addRaw("ids", dtype: "I32", shape: [2], bytes: [UInt8](repeating: 0, count: 8))
        b.addRaw("odd", dtype: "Q4_K", shape: [1], bytes: [0])
        let unknown = try SafetensorsBuilder.write(b.build())
        #expect(throws: ModelIOError.unsupportedDType(file: unknown.path, tensor: "odd", dtype: "Q4_K")) {
            try SafetensorsFile(url: unknown)
        }
        b.items.removeLast()
        let url = try SafetensorsBuilder.write(b.build())
        let file = try SafetensorsFile(url: url)
        #expect(throws: ModelIOError.unsupportedDType(file: url.path, tensor: "ids", dtype: "I32")) {
            try file.tensor(named: "ids")
        }
    }

    @Test func missingFile_isCannotOpen() {
        #expect {
            try SafetensorsFile(url: URL(fileURLWithPath: "/nonexistent/model.safetensors"))
        } throws: { error in
            guard case let .cannotOpen(file, _) = error as? ModelIOError else { return false }
            return file == "/nonexistent/model.safetensors"
        }
    }

    @Test func realFixture_truncatedCopyFailsNamingFile() throws {
        let original = try Data(contentsOf: PackageRoot.fixture("bert/with-types/model.safetensors"))
        let url = try SafetensorsBuilder.write(Array(original.prefix(original.count / 2)))
        #expect {
            try SafetensorsFile(url: url)
        } throws: { error in
            "\(error)".contains(url.path) && "\(error)".contains("truncated")
        }
    }
    /// Regression (issue 14): 2⁶² elements fit in Int but 4 bytes each do not; the size check trapped.
    @Test func overflowingByteSize_isInvalidTensorEntry() throws {
        let header = #"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#
        var builder = SafetensorsBuilder()
        builder.addRaw("pad", dtype: "U8", shape: [8], bytes: [UInt8](repeating: 0, count: 8))
        let url = try SafetensorsBuilder.write(builder.build(headerOverride: header))
        #expect {
            try SafetensorsFile(url: url)
        } throws: { error in
            guard case let .invalidTensorEntry(file, tensor, detail) = error as? ModelIOError else { return false }
            return file == url.path && tensor == "w" && detail.contains("4611686018427387904")
        }
    }

    /// Regression (issue 14): the element count itself overflowing, and numbers no Int can hold.
    @Test func overflowingOrFractionalShape_isInvalidTensorEntry() throws {
        let headers = [
            #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","shape":[1e30],"data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,1e300]}}"#,
        ]
        for header in headers {
            var builder = SafetensorsBuilder()
            builder.addRaw("pad", dtype: "U8", shape: [8], bytes: [UInt8](repeating: 0, count: 8))
            let url = try SafetensorsBuilder.write(builder.build(headerOverride: header))
            #expect {
                try SafetensorsFile(url: url)
            } throws: { error in
                guard case let .invalidTensorEntry(file, tensor, _) = error as? ModelIOError else { return false }
                return file == url.path && tensor == "w"
            }
        }
    }

    /// Regression (issue 14, found writing the FuzzSafetensors harness; reproduced through it): a zero dimension passed the size check, and
    /// `elementCount` then multiplied 2³² × 2³² on the way to 0 (SIGILL on the first load).
    @Test func zeroDimensionWithOverflowingOthers_isInvalidTensorEntry() throws {
        let header = #"{"w":{"dtype":"F32","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}"#
        let url = try SafetensorsBuilder.write(SafetensorsBuilder().build(headerOverride: header))
        #expect {
            try SafetensorsFile(url: url)
        } throws: { error in
            guard case let .invalidTensorEntry(file, tensor, _) = error as? ModelIOError else { return false }
            return file == url.path && tensor == "w"
        }
    }

    /// An empty tensor whose other dimensions are sane still loads, as an empty tensor.
    @Test func zeroDimension_loadsEmpty() throws {
        let header = #"{"w":{"dtype":"F32","shape":[65536,0,3],"data_offsets":[0,0]}}"#
        let url = try SafetensorsBuilder.write(SafetensorsBuilder().build(headerOverride: header))
        let file = try SafetensorsFile(url: url)
        #expect(file.entries["w"]?.elementCount == 0)
        #expect(try file.tensor(named: "w").shape == [65536, 0, 3])
    }
}
