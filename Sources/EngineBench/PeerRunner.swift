import Foundation

/// Timings (and PyTorch's outputs) from the peer script.
struct PeerResults {
    struct Result: Decodable {
        var engine: String
        var batch: Int
        var length: Int
        var medianMs: Double
        var cpuMs: Double
        var meanPooled: [Float]?
    }
    var versions: [String: String] = [:]
    var results: [Result] = []
    var maxAbsDiffTorchVsOrt: Double?

    func result(_ engine: String, _ shape: BenchShape) -> Result? {
        results.first { $0.engine == engine && $0.batch == shape.batch && $0.length == shape.length }
    }
}

extension PeerResults: Decodable {
    enum CodingKeys: String, CodingKey { case versions, results, maxAbsDiffTorchVsOrt }
}

/// Runs Models/bench/peers_encoder.py as a child process on the same token ids.
struct PeerRunner {
    enum Failure: Error, CustomStringConvertible {
        case exited(status: Int32, stderrTail: String)
        var description: String {
            switch self {
            case let .exited(status, tail): return "peer script exited with status \(status): \(tail)"
            }
        }
    }

    var python: String
    var script: String
    var model: String
    var onnxPath: String

    func run(shapes: [BenchShape], inputs: [BenchShape: [[Int32]]], threads: Int, runs: Int, warmup: Int) throws -> PeerResults {
        struct Spec: Encodable {
            struct Shape: Encodable { var batch: Int; var length: Int; var ids: [[Int32]] }
            var threads: Int; var runs: Int; var warmup: Int; var shapes: [Shape]
        }
        let spec = Spec(threads: threads, runs: runs, warmup: warmup,
                        shapes: shapes.map { .init(batch: $0.batch, length: $0.length, ids: inputs[$0] ?? []) })
        let inputURL = FileManager.default.temporaryDirectory.appendingPathComponent("rampart-bench-\(UUID().uuidString).json")
        try JSONEncoder().encode(spec).write(to: inputURL)
        defer { try? FileManager.default.removeItem(at: inputURL) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--model", model, "--inputs", inputURL.path, "--onnx", onnxPath]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain stderr concurrently so a chatty peer cannot fill the pipe and stall.
        let errorData = LockedData()
        let drain = Thread { errorData.set(stderr.fileHandleForReading.readDataToEndOfFile()) }
        drain.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1_000) }
        let errors = String(decoding: errorData.value, as: UTF8.self)
        for line in errors.split(separator: "\n") where line.hasPrefix("torch ") || line.hasPrefix("onnxruntime ") || line.hasPrefix("exported") {
            print("  \(line)")
        }
        guard process.terminationStatus == 0 else {
            throw Failure.exited(status: process.terminationStatus, stderrTail: String(errors.suffix(800)))
        }
        return try JSONDecoder().decode(PeerResults.self, from: output)
    }
}

/// A Data slot written by the stderr drain thread and read once it is set.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ value: Data) { lock.withLock { data = value; done = true } }
    var isSet: Bool { lock.withLock { done } }
    var value: Data { lock.withLock { data } }
}
