import Architectures
import ModelIO
import Foundation

/// Paths and decoded golden files written by Models/fixtures/make_bert_fixtures.py.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func bert(_ name: String) -> URL { packageRoot.appendingPathComponent("Models/fixtures/bert/\(name)") }

    static let miniLMDirectory = packageRoot.appendingPathComponent("Models/.downloads/all-MiniLM-L6-v2")
    static let miniLMGolden = packageRoot.appendingPathComponent("Models/fixtures/minilm/golden.json")

    /// One padded batch and what transformers produced for it.
    struct Batch: Decodable {
        var batchSize: Int
        var sequenceLength: Int
        var ids: [Int32]
        var typeIds: [Int32]
        var lengths: [Int]
        var logits: [Float]?
        var hiddenStates: [[Float]]
        var meanPooled: [Float]

        var tokenBatch: TokenBatch {
            TokenBatch(ids: ids, typeIds: typeIds, lengths: lengths, batchSize: batchSize, sequenceLength: sequenceLength)
        }
    }

    struct Expected: Decodable {
        var batches: [Batch]
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: bert(name).appendingPathComponent("expected.json")))
    }

    struct MiniLMGolden: Decodable {
        struct Sequence: Decodable {
            var ids: [Int32]
            var typeIds: [Int32]
            var lastHiddenState: [Float]
            var meanPooled: [Float]
        }
        var hiddenSize: Int
        var sequences: [Sequence]
    }

    /// Copies a fixture model directory to a temporary one, so tests can damage it.
    static func copy(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-arch-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: bert(name), to: dir)
        return dir
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "length mismatch \(a.count) vs \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Rewrites `<dir>/model.safetensors` as F32, passing each tensor through `transform`
/// (return nil to drop it), so tests can build damaged or derived checkpoints.
func rewriteCheckpoint(in dir: URL, _ transform: (String, [Float]) -> [Float]?) throws {
    let url = dir.appendingPathComponent("model.safetensors")
    let file = try SafetensorsFile(url: url)
    var header: [String] = []
    var data: [UInt8] = []
    for name in file.tensorNames {
        let entry = file.entries[name]!
        guard let values = transform(name, try file.tensor(named: name, zeroCopy: false).toArray()) else { continue }
        let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        header.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(entry.shape),\"data_offsets\":[\(data.count),\(data.count + bytes.count)]}")
        data += bytes
    }
    let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
    let out = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
    try Data(out).write(to: url)
}
