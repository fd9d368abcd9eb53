import Foundation

/// `model.safetensors.index.json` of a sharded checkpoint: `{"metadata": {...}, "weight_map":
/// {tensor name: shard file name}}`.
public struct SafetensorsIndex: Sendable {
    /// The index file's path.
    public let path: String
    /// Tensor name → shard file name (relative to the index's directory).
    public let weightMap: [String: String]

    /// Reads and validates the index at `url`.
    public init(url: URL) throws {
        path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelIOError.cannotOpen(file: path, reason: error.localizedDescription)
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelIOError.invalidIndex(file: path, detail: "not a JSON object")
        }
        guard let map = object["weight_map"] as? [String: String] else {
            throw ModelIOError.invalidIndex(file: path, detail: "missing or malformed weight_map")
        }
        for shard in Set(map.values) where shard.contains("/") || shard.hasPrefix(".") {
            // Shards must sit beside the index; refuse paths that could escape the model directory.
            throw ModelIOError.invalidIndex(file: path, detail: "shard name '\(shard)' is not a plain file name")
        }
        weightMap = map
    }

    /// Distinct shard file names, sorted.
    public var shardFileNames: [String] { Set(weightMap.values).sorted() }

    /// Checks every tensor the index lists is in the shard it names (`actual`: key → shard name).
    public func validate(against actual: [String: String]) throws {
        for (key, shard) in weightMap.sorted(by: { $0.key < $1.key }) where actual[key] != shard {
            throw ModelIOError.invalidIndex(
                file: path,
                detail: "tensor '\(key)' is listed in \(shard) but found in \(actual[key] ?? "no shard")")
        }
    }
}
