import Foundation

/// Writes small safetensors files byte by byte, so tests can build valid and deliberately broken
/// files without Python.
struct SafetensorsBuilder {
    struct Item { var name: String; var dtype: String; var shape: [Int]; var bytes: [UInt8] }
    var items: [Item] = []

    mutating func addF32(_ name: String, shape: [Int], values: [Float]) {
        items.append(Item(name: name, dtype: "F32", shape: shape,
                          bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }))
    }

    mutating func addRaw(_ name: String, dtype: String, shape: [Int], bytes: [UInt8]) {
        items.append(Item(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Header JSON (offsets assigned in order) and the file bytes.
    func build(headerOverride: String? = nil, padHeaderTo alignment: Int = 8) -> [UInt8] {
        var entries: [String] = []
        var offset = 0
        for item in items {
            let shape = item.shape.map(String.init).joined(separator: ",")
            entries.append("\"\(item.name)\":{\"dtype\":\"\(item.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + item.bytes.count)]}")
            offset += item.bytes.count
        }
        var header = headerOverride ?? "{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}"
        while header.utf8.count % alignment != 0 { header += " " }
        let length = UInt64(header.utf8.count)
        var out = withUnsafeBytes(of: length.littleEndian, Array.init)
        out += Array(header.utf8)
        for item in items { out += item.bytes }
        return out
    }

    /// Writes `bytes` to a fresh temporary file and returns its URL.
    static func write(_ bytes: [UInt8], name: String = "model.safetensors", in directory: URL? = nil) throws -> URL {
        let dir = try directory ?? TemporaryDirectory.make()
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}

enum TemporaryDirectory {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-modelio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The package root, found from this file's path (Tests/ModelIOTests/…).
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ path: String) -> URL { url.appendingPathComponent("Models/fixtures/" + path) }
}
