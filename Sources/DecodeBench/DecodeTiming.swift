import Foundation

/// One decoding run's figures (or the per-figure medians of several).
struct DecodeTiming: Decodable {
    var engine: String
    /// Tokens per second between the first and the last generated token.
    var decodeRate: Double
    /// Milliseconds from the start to the first generated token (prefill + one step).
    var firstTokenMs: Double
    var promptTokens: Int

    init(engine: String, decodeRate: Double, firstTokenMs: Double, promptTokens: Int) {
        self.engine = engine
        self.decodeRate = decodeRate
        self.firstTokenMs = firstTokenMs
        self.promptTokens = promptTokens
    }

    /// From the uptime-nanosecond stamps of each generated token.
    init(engine: String, stamps: [UInt64], start: UInt64, promptTokens: Int) {
        let first = stamps.first ?? start, last = stamps.last ?? start
        let span = Double(last - first) / 1e9
        self.init(engine: engine, decodeRate: span > 0 ? Double(stamps.count - 1) / span : 0,
                  firstTokenMs: Double(first - start) / 1e6, promptTokens: promptTokens)
    }

    static func median(_ runs: [DecodeTiming]) -> DecodeTiming {
        func mid(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return DecodeTiming(engine: runs[0].engine, decodeRate: mid(runs.map(\.decodeRate)),
                            firstTokenMs: mid(runs.map(\.firstTokenMs)), promptTokens: runs[0].promptTokens)
    }

    var line: String {
        String(format: "%@ %8.1f tok/s   prefill %7.1f ms (%d prompt tokens)",
               engine.padding(toLength: 28, withPad: " ", startingAt: 0), decodeRate, firstTokenMs, promptTokens)
    }
}

/// Runs Models/bench/peers_decode.py (llama-cpp-python) on the same GGUF and prompt ids.
struct LlamaCppPeer {
    var python: String
    var script: String

    func run(model: String, ids: [Int32], tokens: Int, threads: Int, runs: Int) throws -> DecodeTiming? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--model", model, "--ids", ids.map(String.init).joined(separator: ","),
                             "--tokens", "\(tokens)", "--threads", "\(threads)", "--runs", "\(runs)"]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            print("llama.cpp peer failed (exit \(process.terminationStatus)); is llama-cpp-python installed? (see Models/bench/PERF_NOTES.md)")
            return nil
        }
        return try JSONDecoder().decode(DecodeTiming.self, from: output)
    }
}
