/// One JSON object of a `tokenizer.json` being loaded, with the file and component it came from so that every
/// error can say where it is. Used only while loading.
struct JSONComponent {
    /// Members in file order, keys byte-exact (vocabularies iterate these).
    let members: [(key: String, value: JSONValue)]
    let path: String
    let component: String
    private let lookup: [String: JSONValue]

    init(_ value: JSONValue, path: String, component: String) throws {
        guard case let .object(members) = value else {
            throw TokenizerError.invalidField(path: path, component: component, field: "(object)",
                                              reason: "expected a JSON object")
        }
        self.members = members
        self.path = path
        self.component = component
        // Field names are ASCII identifiers; a repeated one keeps its last value.
        lookup = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// The component's `type` discriminator.
    func type() throws -> String {
        try string("type")
    }

    func has(_ key: String) -> Bool {
        if let value = lookup[key], case .null = value { return false }
        return lookup[key] != nil
    }

    func value(_ key: String) throws -> JSONValue {
        guard has(key), let value = lookup[key] else { throw missing(key) }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case let .string(text) = try value(key) else { throw invalid(key, "expected a string") }
        return text
    }

    func string(_ key: String, default value: String) throws -> String {
        has(key) ? try string(key) : value
    }

    func optionalString(_ key: String) throws -> String? {
        has(key) ? try string(key) : nil
    }

    func int(_ key: String) throws -> Int {
        guard let number = Self.integer(try value(key)) else { throw invalid(key, "expected an integer") }
        return number
    }

    func int(_ key: String, default value: Int) throws -> Int {
        has(key) ? try int(key) : value
    }

    func optionalInt(_ key: String) throws -> Int? {
        has(key) ? try int(key) : nil
    }

    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard has(key) else { return defaultValue }
        guard case let .bool(flag) = try value(key) else { throw invalid(key, "expected a boolean") }
        return flag
    }

    func optionalBool(_ key: String) throws -> Bool? {
        has(key) ? try bool(key, default: false) : nil
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case let .array(elements) = try value(key) else { throw invalid(key, "expected an array") }
        return elements
    }

    func object(_ key: String, component: String? = nil) throws -> JSONComponent {
        try JSONComponent(try value(key), path: path, component: component ?? "\(self.component).\(key)")
    }

    /// A child element (of an array or object field) as a component of its own, for error messages.
    func child(_ value: JSONValue, named name: String) throws -> JSONComponent {
        try JSONComponent(value, path: path, component: "\(component).\(name)")
    }

    /// An integral JSON number that fits in `Int`.
    static func integer(_ value: JSONValue) -> Int? {
        guard case let .number(number) = value, number.rounded() == number, abs(number) < 9.0e15 else { return nil }
        return Int(number)
    }

    func missing(_ key: String) -> TokenizerError {
        .missingField(path: path, component: component, field: key)
    }

    func invalid(_ key: String, _ reason: String) -> TokenizerError {
        .invalidField(path: path, component: component, field: key, reason: reason)
    }

    func unsupported(_ type: String) -> TokenizerError {
        .unsupportedComponent(path: path, component: component, type: type)
    }
}
