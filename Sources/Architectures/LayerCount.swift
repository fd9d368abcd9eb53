import ModelIO

/// A layer count read from a config, checked against the checkpoint before any layer is bound.
///
/// `(0..<n).map { try Layer(…) }` reserves room for n layers up front, so a config claiming 10¹²
/// layers aborted on a multi-terabyte allocation before the first missing tensor could be reported.
/// Checking the count against the layer indices the checkpoint actually holds turns that into an
/// error naming the config file.
enum LayerCount {
    /// Distinct layer indices `i` among `keys` of the form `<prefix><i>.<rest>`.
    static func indices(in keys: some Sequence<String>, prefix: String) -> Set<Int> {
        var found: Set<Int> = []
        for key in keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]), index >= 0 else { continue }
            found.insert(index)
        }
        return found
    }

    /// Throws unless `keys` hold layers 0..<`count` under `prefix`. `field` names the config key
    /// (e.g. "num_hidden_layers"), `configFile` the file it came from, `location` the checkpoint.
    static func check(_ count: Int, field: String, configFile: String, keys: some Sequence<String>,
                      prefix: String, location: String) throws {
        guard count >= 0 else {
            throw ArchitecturesError.unsupportedConfig(file: configFile, detail: "\(field) \(count) is negative")
        }
        let present = indices(in: keys, prefix: prefix)
        // The count check first: it bounds the scan below by the number of tensors in the file.
        guard count <= present.count else {
            throw ArchitecturesError.unsupportedConfig(
                file: configFile,
                detail: "\(field) is \(count) but \(location) holds \(present.count) layers ('\(prefix)N.*')")
        }
        if let missing = (0..<count).first(where: { !present.contains($0) }) {
            throw ArchitecturesError.unsupportedConfig(
                file: configFile, detail: "\(field) is \(count) but \(location) has no layer \(missing) ('\(prefix)\(missing).*')")
        }
    }
}
