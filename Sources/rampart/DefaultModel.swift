import Foundation

/// Finds the shipped default guard model when no `--model` is given.
enum DefaultModel {
    static let name = "rampart-guard-minilm"

    /// Looks next to the executable (`<prefix>/share/rampart/models`, as the container installs it), then in every
    /// parent directory of the executable for `Models/<name>` (a build inside the repository), then in the current
    /// directory.
    static func locate(executablePath: String = CommandLine.arguments[0]) -> URL? {
        let fileManager = FileManager.default
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var candidates: [URL] = []
        let binDirectory = executable.deletingLastPathComponent()
        candidates.append(binDirectory.deletingLastPathComponent().appendingPathComponent("share/rampart/models/\(name)"))
        var directory = binDirectory
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent("Models/\(name)"))
            directory.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("Models/\(name)"))
        return candidates.first { fileManager.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    }

    static func resolve(_ explicit: String?) throws -> URL {
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
                throw ConfigurationError("model directory \(explicit) has no config.json")
            }
            return url
        }
        guard let url = locate() else {
            throw ConfigurationError("no --model given and the default model Models/\(name) was not found next to the executable; pass --model DIR or set RAMPART_MODEL")
        }
        return url
    }
}
