/// A trie over the UTF-8 bytes of vocabulary tokens. Lookups compare bytes, never Swift `String` equality, which
/// would conflate canonically equivalent tokens (precomposed "é" and "e\u{301}" are distinct vocabulary entries).
///
/// Frozen from sorted keys (`ByteTrie.Builder.freeze`) into sorted child arrays: each node's children are a
/// contiguous run of `labels`/`targets`, searched by binary search; the root has a dense table.
struct ByteTrie: Sendable {
    typealias Node = Int32

    static let root: Node = 0

    /// Per node: first child slot and child count, in `labels`/`targets`.
    private let childStart: [Int32]
    private let childCount: [UInt16]
    private let labels: [UInt8]
    private let targets: [Node]
    /// Root children by byte, -1 when absent.
    private let rootTable: [Node]
    /// Token id stored at each node, or -1.
    private let values: [Int32]

    /// Collects tokens, then lays the trie out breadth-first from the sorted keys (no hashing).
    struct Builder {
        private var keys: [[UInt8]] = []
        private var ids: [Int32] = []

        /// Stores `id` for `bytes`; a later insert of the same bytes wins (as a Rust HashMap insert does).
        mutating func insert<Bytes: Sequence<UInt8>>(_ bytes: Bytes, id: Int32) {
            keys.append(Array(bytes))
            ids.append(id)
        }

        func freeze() -> ByteTrie {
            // Sorted by bytes, equal keys by insertion order, so the last of a run of equal keys wins.
            let order = keys.indices.sorted { left, right in
                keys[left] == keys[right] ? left < right : keys[left].lexicographicallyPrecedes(keys[right])
            }
            var childStart: [Int32] = [0]
            var childCount: [UInt16] = [0]
            var values: [Int32] = [-1]
            var labels: [UInt8] = []
            var targets: [Node] = []
            // Breadth-first: (node, range of `order` whose keys pass through it, depth); children of one node are
            // allocated together, so they are contiguous in `labels`/`targets`.
            var queue: [(node: Int, range: Range<Int>, depth: Int)] = [(0, 0..<order.count, 0)]
            var head = 0
            while head < queue.count {
                let (node, range, depth) = queue[head]
                head += 1
                var index = range.lowerBound
                while index < range.upperBound && keys[order[index]].count == depth {
                    values[node] = ids[order[index]]
                    index += 1
                }
                childStart[node] = Int32(labels.count)
                while index < range.upperBound {
                    let label = keys[order[index]][depth]
                    var end = index + 1
                    while end < range.upperBound && keys[order[end]][depth] == label { end += 1 }
                    let child = values.count
                    values.append(-1)
                    childStart.append(0)
                    childCount.append(0)
                    labels.append(label)
                    targets.append(Node(child))
                    childCount[node] += 1
                    queue.append((child, index..<end, depth + 1))
                    index = end
                }
            }
            return ByteTrie(childStart: childStart, childCount: childCount, labels: labels, targets: targets,
                            values: values)
        }
    }

    private init(childStart: [Int32], childCount: [UInt16], labels: [UInt8], targets: [Node], values: [Int32]) {
        var rootTable = [Node](repeating: -1, count: 256)
        for slot in 0..<Int(childCount[0]) {
            rootTable[Int(labels[Int(childStart[0]) + slot])] = targets[Int(childStart[0]) + slot]
        }
        self.childStart = childStart
        self.childCount = childCount
        self.labels = labels
        self.targets = targets
        self.rootTable = rootTable
        self.values = values
    }

    /// The child of `node` along `byte`.
    @inline(__always)
    func child(_ node: Node, _ byte: UInt8) -> Node? {
        if node == Self.root {
            let target = rootTable[Int(byte)]
            return target >= 0 ? target : nil
        }
        var low = Int(childStart[Int(node)])
        var high = low + Int(childCount[Int(node)]) - 1
        while low <= high {
            let middle = (low + high) >> 1
            let label = labels[middle]
            if label == byte { return targets[middle] }
            if label < byte { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// The token id ending at `node`, if a token ends there.
    @inline(__always)
    func value(_ node: Node) -> Int32? {
        let value = values[Int(node)]
        return value >= 0 ? value : nil
    }

    /// The node reached by walking `bytes` from `node`.
    func walk<Bytes: Sequence<UInt8>>(_ bytes: Bytes, from node: Node = ByteTrie.root) -> Node? {
        var current = node
        for byte in bytes {
            guard let next = child(current, byte) else { return nil }
            current = next
        }
        return current
    }

    /// The id of exactly `bytes` (after whatever led to `node`).
    func id<Bytes: Sequence<UInt8>>(of bytes: Bytes, from node: Node = ByteTrie.root) -> Int32? {
        walk(bytes, from: node).flatMap(value)
    }
}
