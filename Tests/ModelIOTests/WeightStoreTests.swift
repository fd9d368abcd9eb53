import Foundation
import Testing
@testable import ModelIO

@Suite struct WeightStoreTests {
    func store(_ configure: (inout SafetensorsBuilder) -> Void) throws -> (WeightStore, URL) {
        var b = SafetensorsBuilder()
        configure(&b)
        let dir = try TemporaryDirectory.make()
        _ = try SafetensorsBuilder.write(b.build(), in: dir)
        return (try WeightStore(directory: dir), dir)
    }

    @Test func tensor_checksShapeAndTracksUnused() throws {
        let (weights, _) = try store {
            $0.addF32("a", shape: [2, 2], values: [1, 2, 3, 4])
            $0.addF32("b", shape: [2], values: [5, 6])
            $0.addF32("position_ids", shape: [1], values: [0])
        }
        #expect(try weights.tensor("a", shape: [2, 2]).toArray() == [1, 2, 3, 4])
        #expect(weights.unusedKeys == ["b", "position_ids"])
        _ = try weights.tensor("b", shape: [2])
        #expect(weights.unusedKeys == ["position_ids"])
        #expect(weights.firstKey(among: ["x.gamma", "b"]) == "b")
    }

    @Test func wrongShape_namesFileAndTensor() throws {
        let (weights, dir) = try store { $0.addF32("classifier.weight", shape: [2, 3], values: [Float](repeating: 0, count: 6)) }
        #expect(throws: ModelIOError.shapeMismatch(file: dir.appendingPathComponent("model.safetensors").path,
                                                   tensor: "classifier.weight", expected: [3, 2], actual: [2, 3])) {
            try weights.tensor("classifier.weight", shape: [3, 2])
        }
    }

    @Test func missingTensor_namesTensorAndLocation() throws {
        let (weights, dir) = try store { $0.addF32("a", shape: [1], values: [1]) }
        #expect(throws: ModelIOError.missingTensor(tensor: "encoder.layer.0.attention.self.query.weight", location: dir.path)) {
            try weights.tensor("encoder.layer.0.attention.self.query.weight", shape: [1])
        }
    }

    @Test func emptyDirectory_isCannotOpen() throws {
        let dir = try TemporaryDirectory.make()
        #expect(throws: ModelIOError.self) { try WeightStore(directory: dir) }
    }

    @Test func shardedFixture_opensEveryShard() throws {
        let sharded = try WeightStore(directory: PackageRoot.fixture("bert/sharded"))
        let single = try WeightStore(directory: PackageRoot.fixture("bert/with-types"))
        #expect(sharded.keys == single.keys)
        let key = "classifier.weight"
        let shape = try #require(single.shape(of: key))
        #expect(try sharded.tensor(key, shape: shape).toArray() == single.tensor(key, shape: shape).toArray())
    }

    @Test func shardedIndex_pointingAtWrongShardIsInvalid() throws {
        let dir = try TemporaryDirectory.make()
        var b = SafetensorsBuilder()
        b.addF32("a", shape: [1], values: [1])
        _ = try SafetensorsBuilder.write(b.build(), name: "shard-1.safetensors", in: dir)
        var c = SafetensorsBuilder()
        c.addF32("b", shape: [1], values: [2])
        _ = try SafetensorsBuilder.write(c.build(), name: "shard-2.safetensors", in: dir)
        let index = #"{"metadata":{},"weight_map":{"a":"shard-2.safetensors","b":"shard-2.safetensors"}}"#
        try Data(index.utf8).write(to: dir.appendingPathComponent(WeightStore.indexFileName))
        // Only shard-2 is listed, so "a" is absent; and the index claims it lives in shard-2.
        #expect {
            try WeightStore(directory: dir)
        } throws: { error in
            guard case let .invalidIndex(file, detail) = error as? ModelIOError else { return false }
            return file.hasSuffix(WeightStore.indexFileName) && detail.contains("'a'")
        }
    }
}
