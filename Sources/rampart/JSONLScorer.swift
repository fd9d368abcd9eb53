import Foundation
import Scoring

/// Scores a JSONL file in batches and writes one JSON line per input row, in order. A malformed row gets an
/// `{"line": n, "error": ...}` line of its own and the rest of the file is still scored.
struct JSONLScorer {
    let scorer: GuardScorer
    let writer: JSONLWriter
    var chunkSize = 32

    private enum Row {
        case input(ScoreInput)
        case invalid(String)
    }

    /// Returns whether any row was malformed.
    func run(inputPath: String) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: inputPath) else {
            throw ConfigurationError("cannot read \(inputPath)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .enumerated().filter { !$0.element.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") } }
        var hadErrors = false
        var done = 0
        let started = Date()
        var index = 0
        while index < lines.count {
            let chunk = lines[index ..< min(index + chunkSize, lines.count)]
            let rows = chunk.map { parse(Data($0.element)) }
            let inputs = rows.compactMap { row -> ScoreInput? in if case let .input(input) = row { input } else { nil } }
            let results = inputs.isEmpty ? [] : try scorer.scoreAndWait(inputs)
            var next = results.makeIterator()
            for (row, line) in zip(rows, chunk) {
                switch row {
                case .input:
                    guard let result = next.next() else { continue }
                    writer.write([
                        "score": result.score, "flagged": result.isFlagged, "threshold": result.threshold,
                        "truncated": result.isTruncated, "tokens": result.tokens, "windows": result.windows,
                    ])
                case let .invalid(reason):
                    hadErrors = true
                    writer.write(["line": line.offset + 1, "error": reason])
                }
            }
            done += chunk.count
            index += chunkSize
            if lines.count > 100 {
                let rate = Double(done) / max(Date().timeIntervalSince(started), 1e-3)
                FileHandle.standardError.write(Data(String(format: "\rscored %d/%d rows (%.1f rows/s)", done, lines.count, rate).utf8))
            }
        }
        if lines.count > 100 { FileHandle.standardError.write(Data("\n".utf8)) }
        return hadErrors
    }

    private func parse(_ line: Data) -> Row {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            return .invalid("not a JSON object")
        }
        guard let prompt = object["prompt"] as? String else { return .invalid("\"prompt\" must be a string") }
        let response = object["response"]
        if response == nil || response is NSNull { return .input(ScoreInput(prompt: prompt)) }
        guard let text = response as? String else { return .invalid("\"response\" must be a string") }
        return .input(ScoreInput(prompt: prompt, response: text))
    }
}

/// Writes JSON objects one per line to a file or standard output.
final class JSONLWriter {
    private let handle: FileHandle

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw ConfigurationError("cannot write \(path)")
            }
            self.handle = handle
        } else {
            handle = .standardOutput
        }
    }

    func write(_ object: [String: Any]) {
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        data.append(UInt8(ascii: "\n"))
        handle.write(data)
    }
}
