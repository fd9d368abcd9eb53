/// An ordered list of header fields with case-insensitive name lookup (RFC 9110 §5.1).
///
/// Order and duplicates are kept as received; lookups compare names ASCII-case-insensitively.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    public init() { fields = [] }

    public init(_ fields: [(String, String)]) {
        self.fields = fields.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of the field `name`, or nil. Setting replaces every field of that name
    /// (nil removes them).
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    /// Every value of the field `name`, in order.
    public func values(named name: String) -> [String] {
        fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether any field is named `name`.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field named `name`.
    public mutating func remove(_ name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// Whether a comma-separated list header (e.g. `Connection`, RFC 9110 §5.6.1) contains `token`,
    /// compared case-insensitively.
    public func containsToken(_ token: String, inField name: String) -> Bool {
        for field in fields where Self.namesMatch(field.name, name) {
            for element in field.value.split(separator: ",") {
                if Self.namesMatch(element.trimmingOWS(), token) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison without allocating.
    static func namesMatch<A: StringProtocol, B: StringProtocol>(_ a: A, _ b: B) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        for (x, y) in zip(left, right) where x != y {
            // Letters differ only in bit 0x20; anything else must match exactly.
            guard x | 0x20 == y | 0x20, (x | 0x20) >= UInt8(ascii: "a"), (x | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }
}

extension StringProtocol {
    /// Drops optional whitespace (SP / HTAB, RFC 9110 §5.6.3) at both ends.
    func trimmingOWS() -> Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
