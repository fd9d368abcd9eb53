/// A trie over the UTF-8 bytes of vocabulary tokens. Lookups compare bytes, never Swift `String` equality, which
/// would conflate canonically equivalent tokens (precomposed "é" and "e\u{301}" are distinct vocabulary entries).
///
/// Built with a dictionary of edges, then frozen (`ByteTrie.Builder.freeze`) into sorted child arrays: each node's
/// children are a contiguous run of `labels`/`targets`, searched by binary search; the root has a dense table.
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

    struct Builder {
        private var edges: [UInt64: Node] = [:]
        private var values: [Int32] = [-1]

        /// Stores `id` for `bytes`; a later insert of the same bytes wins (as a Rust HashMap insert does).
        mutating func insert<Bytes: Sequence<UInt8>>(_ bytes: Bytes, id: Int32) {
            var node = ByteTrie.root
            for byte in bytes {
                let key = UInt64(node) << 8 | UInt64(byte)
                if let next = edges[key] {
                    node = next
                } else {
                    let next = Node(values.count)
                    values.append(-1)
                    edges[key] = next
                    node = next
                }
            }
            values[Int(node)] = id
        }

        func freeze() -> ByteTrie {
            ByteTrie(edges: edges, values: values)
        }
    }

    private init(edges: [UInt64: Node], values: [Int32]) {
        // [nodes] edge lists sorted by (parent, label).
        let sorted = edges.sorted { $0.key < $1.key }
        var childStart = [Int32](repeating: 0, count: values.count)
        var childCount = [UInt16](repeating: 0, count: values.count)
        var labels: [UInt8] = []
        var targets: [Node] = []
        labels.reserveCapacity(sorted.count)
        targets.reserveCapacity(sorted.count)
        var rootTable = [Node](repeating: -1, count: 256)
        for (key, target) in sorted {
            let parent = Int(key >> 8)
            let label = UInt8(key & 0xFF)
            if childCount[parent] == 0 { childStart[parent] = Int32(labels.count) }
            childCount[parent] += 1
            labels.append(label)
            targets.append(target)
            if parent == 0 { rootTable[Int(label)] = target }
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

    /// The id of exactly `bytes`.
    func id<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> Int32? {
        walk(bytes).flatMap(value)
    }
}
