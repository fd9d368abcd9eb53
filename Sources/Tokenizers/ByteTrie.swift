/// A trie over the UTF-8 bytes of vocabulary tokens. Lookups compare bytes, never Swift `String` equality, which
/// would conflate canonically equivalent tokens (precomposed "é" and "e\u{301}" are distinct vocabulary entries).
struct ByteTrie: Sendable {
    /// Node 0 is the root.
    typealias Node = Int32

    /// Edges keyed by `parent << 8 | byte`.
    private var edges: [UInt64: Node] = [:]
    /// Token id stored at each node, or -1.
    private var values: [Int32] = [-1]

    init() {}

    static let root: Node = 0

    /// Stores `id` for `bytes`; a later insert of the same bytes wins (as a Rust HashMap insert does).
    mutating func insert<Bytes: Sequence<UInt8>>(_ bytes: Bytes, id: Int32) {
        var node = Self.root
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

    /// The child of `node` along `byte`.
    @inline(__always)
    func child(_ node: Node, _ byte: UInt8) -> Node? {
        edges[UInt64(node) << 8 | UInt64(byte)]
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
