import Foundation
import Tensor

/// Checkpoint tensors of one model directory, handed out by key with shape checks.
///
/// Opens `model.safetensors`, or every shard listed in `model.safetensors.index.json`. Tracks which
/// keys were taken so that, after an architecture has bound its weights, `unusedKeys` lists what it
/// ignored (a warning: e.g. a pretraining head) while a missing key throws (an error).
public final class WeightStore: @unchecked Sendable {
    /// Single-file checkpoint name.
    public static let singleFileName = "model.safetensors"
    /// Sharded checkpoint index name.
    public static let indexFileName = "model.safetensors.index.json"

    /// Where the weights came from (a directory or file path), for error messages.
    public let location: String
    /// Whether F32 tensors are borrowed from the mapping instead of copied.
    public let zeroCopy: Bool

    private var fileForKey: [String: SafetensorsFile] = [:]
    private var usedKeys: Set<String> = []

    /// Opens the checkpoint in `directory` (single file or sharded).
    public convenience init(directory: URL, zeroCopy: Bool = true) throws {
        let single = directory.appendingPathComponent(Self.singleFileName)
        let index = directory.appendingPathComponent(Self.indexFileName)
        let fm = FileManager.default
        if fm.fileExists(atPath: single.path) {
            try self.init(files: [SafetensorsFile(url: single)], location: directory.path, zeroCopy: zeroCopy)
        } else if fm.fileExists(atPath: index.path) {
            let shardIndex = try SafetensorsIndex(url: index)
            var files: [SafetensorsFile] = []
            for shard in shardIndex.shardFileNames {
                files.append(try SafetensorsFile(url: directory.appendingPathComponent(shard)))
            }
            try self.init(files: files, location: directory.path, zeroCopy: zeroCopy)
            try shardIndex.validate(against: fileForKey.mapValues { URL(fileURLWithPath: $0.path).lastPathComponent })
        } else {
            throw ModelIOError.cannotOpen(
                file: directory.path, reason: "no \(Self.singleFileName) or \(Self.indexFileName)")
        }
    }

    /// Serves tensors from already-opened files. A key present in two files is an error.
    public init(files: [SafetensorsFile], location: String, zeroCopy: Bool = true) throws {
        self.location = location
        self.zeroCopy = zeroCopy
        for file in files {
            for name in file.entries.keys {
                if let other = fileForKey[name] {
                    throw ModelIOError.invalidTensorEntry(
                        file: file.path, tensor: name, detail: "also present in \(other.path)")
                }
                fileForKey[name] = file
            }
        }
    }

    /// All checkpoint keys, sorted.
    public var keys: [String] { fileForKey.keys.sorted() }

    /// Whether the checkpoint has `key`.
    public func contains(_ key: String) -> Bool { fileForKey[key] != nil }

    /// The stored shape of `key`, or nil when absent.
    public func shape(of key: String) -> [Int]? { fileForKey[key]?.entries[key]?.shape }

    /// The first of `candidates` that the checkpoint has (for renamed keys such as
    /// `LayerNorm.gamma` / `LayerNorm.weight`), or nil.
    public func firstKey(among candidates: [String]) -> String? { candidates.first(where: contains) }

    /// Takes the tensor `key` as fp32, checking it has exactly `shape`.
    public func tensor(_ key: String, shape: [Int]) throws -> Tensor {
        try take(key, shape: shape).tensor(named: key, zeroCopy: zeroCopy)
    }

    /// Takes the 2-D tensor `key` [rows, columns] as a row table (embeddings: fp16 checkpoints stay
    /// fp16, see `RowTable`), checking it has exactly `shape`.
    public func rowTable(_ key: String, shape: [Int]) throws -> RowTable {
        try take(key, shape: shape).rowTable(named: key, zeroCopy: zeroCopy)
    }

    /// The file holding `key`, after checking its shape and marking it used.
    private func take(_ key: String, shape: [Int]) throws -> SafetensorsFile {
        guard let file = fileForKey[key], let entry = file.entries[key] else {
            throw ModelIOError.missingTensor(tensor: key, location: location)
        }
        guard entry.shape == shape else {
            throw ModelIOError.shapeMismatch(file: file.path, tensor: key, expected: shape, actual: entry.shape)
        }
        usedKeys.insert(key)
        return file
    }

    /// Keys never taken with `tensor(_:shape:)`, sorted: report them as warnings after binding.
    public var unusedKeys: [String] { fileForKey.keys.filter { !usedKeys.contains($0) }.sorted() }
}
