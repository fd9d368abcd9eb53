import Foundation

/// The process environment, read once. Only the executable reads it: every setting resolves here as
/// flag > `RAMPART_*` variable > documented default, and is passed down as typed configuration.
struct Environment {
    let values: [String: String]

    init(_ values: [String: String] = ProcessInfo.processInfo.environment) {
        self.values = values
    }

    func string(_ flag: String?, _ name: String) -> String? {
        if let flag { return flag }
        if let value = values[name], !value.isEmpty { return value }
        return nil
    }

    func int(_ flag: Int?, _ name: String) throws -> Int? {
        if let flag { return flag }
        guard let raw = string(nil, name) else { return nil }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError("\(name)=\(raw) is not an integer")
        }
        return value
    }

    func double(_ flag: Double?, _ name: String) throws -> Double? {
        if let flag { return flag }
        guard let raw = string(nil, name) else { return nil }
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw ConfigurationError("\(name)=\(raw) is not a number")
        }
        return value
    }

    func bool(_ flag: Bool, _ name: String) throws -> Bool {
        if flag { return true }
        guard let raw = string(nil, name)?.lowercased() else { return false }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(name)=\(raw) is not a boolean (true/false)")
        }
    }

    /// A comma-separated list.
    func list(_ flag: [String], _ name: String) -> [String] {
        if !flag.isEmpty { return flag.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } }
        guard let raw = string(nil, name) else { return [] }
        return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A bad flag, variable or configuration file: printed as one clear line, exit status 64.
struct ConfigurationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
