import Foundation

/// One decoding run's figures (or the per-figure medians of several).
struct DecodeTiming: Decodable {
    var engine: String
    /// Tokens per second between the first and the last generated token.
    var decodeRate: Double
    /// Milliseconds from the start to the first generated token (prefill + one step).
    var firstTokenMs: Double
    var promptTokens: Int
    /// Process CPU milliseconds (all threads) per decode step between the first and the last token: on a shared
    /// machine a steadier figure than wall time (it does not count time spent waiting for a core).
    var cpuMsPerToken: Double

    init(engine: String, decodeRate: Double, firstTokenMs: Double, promptTokens: Int, cpuMsPerToken: Double) {
        self.engine = engine
        self.decodeRate = decodeRate
        self.firstTokenMs = firstTokenMs
        self.promptTokens = promptTokens
        self.cpuMsPerToken = cpuMsPerToken
    }

    /// From the (wall, process CPU) nanosecond stamps of each generated token.
    init(engine: String, stamps: [(wall: UInt64, cpu: UInt64)], start: UInt64, promptTokens: Int) {
        let first = stamps.first ?? (start, 0), last = stamps.last ?? (start, 0)
        let span = Double(last.wall - first.wall) / 1e9, steps = Double(max(stamps.count - 1, 1))
        self.init(engine: engine, decodeRate: span > 0 ? Double(stamps.count - 1) / span : 0,
                  firstTokenMs: Double(first.wall - start) / 1e6, promptTokens: promptTokens,
                  cpuMsPerToken: Double(last.cpu - first.cpu) / 1e6 / steps)
    }

    /// Process CPU time in nanoseconds.
    static func cpuNow() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func median(_ runs: [DecodeTiming]) -> DecodeTiming {
        func mid(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return DecodeTiming(engine: runs[0].engine, decodeRate: mid(runs.map(\.decodeRate)),
                            firstTokenMs: mid(runs.map(\.firstTokenMs)), promptTokens: runs[0].promptTokens,
                            cpuMsPerToken: mid(runs.map(\.cpuMsPerToken)))
    }

    var line: String {
        String(format: "%@ %8.1f tok/s  %6.2f cpu ms/token   prefill %7.1f ms (%d prompt tokens)",
               engine.padding(toLength: 28, withPad: " ", startingAt: 0), decodeRate, cpuMsPerToken, firstTokenMs, promptTokens)
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
