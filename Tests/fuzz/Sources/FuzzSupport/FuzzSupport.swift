// Shared helpers of the libFuzzer targets (Tests/fuzz): where the repository's fixtures are, and how a fuzz input
// becomes a tokenizer's text.
import Foundation
import CFuzzDriver
import Tokenizers

public enum FuzzSupport {
    /// The repository root: `RAMPART_ROOT` when set, else three levels above this source file.
    public static let repositoryRoot: URL = {
        if let root = ProcessInfo.processInfo.environment["RAMPART_ROOT"], !root.isEmpty {
            return URL(fileURLWithPath: root)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// Loads a tokenizer.json under the repository root; a missing fixture stops the run (it is a setup error).
    public static func tokenizer(_ relativePath: String) -> Tokenizer {
        let url = repositoryRoot.appendingPathComponent(relativePath)
        do {
            return try Tokenizer(contentsOf: url)
        } catch {
            fatalError("cannot load the tokenizer fixture \(url.path): \(error)")
        }
    }

    /// The text (and optional pair text, after the first NUL byte) of a fuzz input, decoded as the server decodes
    /// validated request strings (ill-formed UTF-8 becomes U+FFFD), and a `maxLength` from the last byte.
    public static func tokenizerInput(_ start: UnsafeRawPointer?, _ count: Int) -> (text: String, pair: String?, maxLength: Int) {
        guard let start, count > 0 else { return ("", nil, 8) }
        let bytes = UnsafeRawBufferPointer(start: start, count: count)
        let maxLength = Int(bytes[count - 1] % 64)
        if let nul = bytes.firstIndex(of: 0) {
            return (String(decoding: bytes[..<nul], as: UTF8.self),
                    String(decoding: bytes[(nul + 1)...], as: UTF8.self), maxLength)
        }
        return (String(decoding: bytes, as: UTF8.self), nil, maxLength)
    }

    /// Tokenizes and encodes as the scorer does and checks what any tokenizer must guarantee: ids in the vocabulary,
    /// one type id per id, and truncation that respects `maxLength` (the strategy comes from `maxLength` too).
    public static func exercise(_ tokenizer: Tokenizer, text: String, pair: String?, maxLength: Int, name: String) {
        let ids = tokenizer.tokenize(text)
        for id in ids {
            precondition(tokenizer.token(forID: id) != nil, "\(name): id \(id) is not in the vocabulary")
        }
        let strategies: [TruncationStrategy] = [.longestFirst, .onlyFirst, .onlySecond]
        let strategy = strategies[maxLength % strategies.count]
        let cut = tokenizer.encode(text, pair: pair, maxLength: maxLength, truncation: strategy)
        precondition(cut.ids.count == cut.typeIds.count, "\(name): \(cut.ids.count) ids, \(cut.typeIds.count) type ids")
        // The port falls back to longest-first where tokenizers would refuse, so the bound always holds once the
        // special tokens fit (a smaller maxLength disables truncation, as in tokenizers).
        if maxLength >= tokenizer.specialTokenCount(isPair: pair != nil) {
            precondition(cut.ids.count <= maxLength, "\(name): \(cut.ids.count) ids past maxLength \(maxLength)")
        }
        if !cut.isTruncated {
            let special = tokenizer.specialTokenCount(isPair: pair != nil)
            let pairCount = pair.map { tokenizer.tokenize($0).count } ?? 0
            precondition(cut.ids.count == ids.count + pairCount + special,
                         "\(name): \(cut.ids.count) ids untruncated, expected \(ids.count) + \(pairCount) + \(special)")
        }
    }
}

extension FuzzSupport {
    /// Writes a fuzz input to this process's scratch file and returns its URL:
    /// the model parsers read files through mmap, and the harness keeps that path under test.
    public static func scratchFile(_ start: UnsafeRawPointer?, _ count: Int, suffix: String) -> URL {
        let url = scratchDirectory.appendingPathComponent("rampart-fuzz-\(getpid())\(suffix)")
        let data = start.map { Data(bytes: $0, count: count) } ?? Data()
        do {
            try data.write(to: url)
        } catch {
            fatalError("cannot write the scratch file \(url.path): \(error)")
        }
        return url
    }

    /// `RAMPART_FUZZ_SCRATCH` (run.sh points it into the build directory), else /dev/shm, else the temporary directory.
    private static let scratchDirectory: URL = {
        if let directory = ProcessInfo.processInfo.environment["RAMPART_FUZZ_SCRATCH"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: "/dev/shm")
        }
        return FileManager.default.temporaryDirectory
    }()
}

extension FuzzSupport {
    /// libFuzzer's `LLVMFuzzerTestOneInput` shape.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer (flags and corpus directories from the command line) on `testOneInput`, then exits with its status.
    public static func run(_ testOneInput: TestOneInput) -> Never {
        exit(rampart_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, testOneInput))
    }
}
