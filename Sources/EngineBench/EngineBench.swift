import ArgumentParser
import Architectures
import Foundation
import Tensor

/// Times Rampart's BERT encoder (all-MiniLM-L6-v2 by default) at several batch shapes and, in the
/// same invocation, PyTorch and ONNX Runtime on the same token ids (Models/bench/peers_encoder.py),
/// then prints a side-by-side table. A program that prints figures, not a test.
@main
struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "EngineBench",
        abstract: "Benchmark the BERT encoder against PyTorch and ONNX Runtime.")

    @Option(help: "Model directory (BERT, bare or bert.-prefixed keys).")
    var model = "Models/.downloads/all-MiniLM-L6-v2"

    @Option(help: "Comma-separated batch sizes.")
    var batches = "1,8"

    @Option(help: "Comma-separated sequence lengths (tokens, including [CLS] and [SEP]).")
    var lengths = "64,128,256"

    @Option(help: "Timed runs per shape (the median is reported).")
    var runs = 20

    @Option(help: "Untimed warm-up runs per shape.")
    var warmup = 3

    @Option(help: "OpenBLAS threads (and the peers' intra-op threads).")
    var threads = 2

    @Flag(help: "Also time the int8 engine (EngineOptions.precision = .int8) and compare it with fp32.")
    var int8 = false

    @Option(help: "Golden JSONL (input_ids, token_type_ids, p_unsafe) of the classifier in --classifier: check fp32 and int8 P(unsafe) instead of benchmarking.")
    var golden: String?

    @Flag(help: "Also time the guard classifier in --classifier (last layer on [CLS] rows only) at the same shapes.")
    var classify = false

    @Option(help: "Guard classifier directory for --golden and --classify.")
    var classifier = "Models/rampart-guard-minilm"

    @Flag(help: "Skip the PyTorch / ONNX Runtime peers.")
    var noPeers = false

    @Option(help: "Python interpreter for the peers.")
    var python = "python3"

    @Option(help: "Peer script.")
    var peerScript = "Models/bench/peers_encoder.py"

    @Option(help: "Where the peer script exports the ONNX model (gitignored).")
    var onnxPath = "Models/.downloads/bench/all-MiniLM-L6-v2.onnx"

    func validate() throws {
        guard runs > 0, warmup >= 0, threads > 0 else {
            throw ValidationError("--runs and --threads must be positive, --warmup non-negative")
        }
        guard !parse(batches).isEmpty, !parse(lengths).isEmpty else {
            throw ValidationError("--batches and --lengths need at least one positive integer each")
        }
    }

    func run() throws {
        if let golden {
            try GoldenCheck(model: URL(fileURLWithPath: classifier), golden: URL(fileURLWithPath: golden), threads: threads).run()
            return
        }
        let shapes = parse(batches).flatMap { b in parse(lengths).map { BenchShape(batch: b, length: $0) } }
        let clock = ContinuousClock()
        var encoder: BertModel?
        let loadTime = try clock.measure {
            encoder = try BertModel.load(at: URL(fileURLWithPath: model), options: EngineOptions(blasThreadCount: threads))
        }
        var quantized: BertModel?
        let loadTimeInt8 = try clock.measure {
            if int8 {
                quantized = try BertModel.load(at: URL(fileURLWithPath: model), options: EngineOptions(blasThreadCount: threads, precision: .int8))
            }
        }
        guard let encoder else { return }
        print("model load (mmap, bind, pack): fp32 \(loadTime)" + (int8 ? ", int8 \(loadTimeInt8)" : ""))
        let config = encoder.config
        let startLoad = Self.loadAverage()
        print("Rampart EngineBench: \(model) (hidden \(config.hiddenSize), \(config.numHiddenLayers) layers), " +
              "OpenBLAS threads \(BLAS.threadCount), median of \(runs) after \(warmup) warm-up")

        var generator = SplitMix64(seed: 20_240_601)
        var measured: [BenchShape: (timing: Timing, pooled: [Float])] = [:]
        var measuredInt8: [BenchShape: (timing: Timing, pooled: [Float])] = [:]
        var inputs: [BenchShape: [[Int32]]] = [:]
        for shape in shapes {
            let ids = (0..<shape.batch).map { _ in shape.tokenIds(vocabSize: config.vocabSize, using: &generator) }
            inputs[shape] = ids
            let batch = TokenBatch(sequences: ids)
            var pooled: [Float] = []
            let timing = try Timing.measure(runs: runs, warmup: warmup) { pooled = try encoder.meanPooledEmbeddings(batch) }
            measured[shape] = (timing, pooled)
            print(String(format: "  rampart %dx%d: %.2f ms (cpu %.2f ms)", shape.batch, shape.length, timing.medianMs, timing.cpuMs))
            if let quantized {
                var pooledInt8: [Float] = []
                let timingInt8 = try Timing.measure(runs: runs, warmup: warmup) { pooledInt8 = try quantized.meanPooledEmbeddings(batch) }
                measuredInt8[shape] = (timingInt8, pooledInt8)
                print(String(format: "  rampart int8 %dx%d: %.2f ms (cpu %.2f ms)", shape.batch, shape.length,
                             timingInt8.medianMs, timingInt8.cpuMs))
            }
        }

        var classifierTiming = ClassifierTiming(model: URL(fileURLWithPath: classifier), threads: threads, int8: int8)
        if classify {
            try classifierTiming.measure(shapes: shapes, inputs: inputs, runs: runs, warmup: warmup)
        }

        var peers = PeerResults()
        if !noPeers {
            do {
                peers = try PeerRunner(python: python, script: peerScript, model: model, onnxPath: onnxPath)
                    .run(shapes: shapes, inputs: inputs, threads: threads, runs: runs, warmup: warmup)
            } catch {
                print("peers failed: \(error) (install Models/bench/requirements.txt, or pass --no-peers)")
            }
        }
        let table = BenchTable(shapes: shapes, measured: measured, measuredInt8: measuredInt8, peers: peers, config: config)
        print(table.render())
        print(table.renderTargets())
        if classify { print(classifierTiming.render(shapes: shapes, peers: peers)) }
        print("load average at start: \(startLoad); at end: \(Self.loadAverage())")
    }

    /// /proc/loadavg's 1/5/15-minute figures: timings on a shared machine mean little without them.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "unknown"
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    private func parse(_ list: String) -> [Int] {
        list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 }
    }
}

/// Wall-clock median and mean process CPU time per run, in milliseconds.
///
/// CPU time is the contention-robust figure on a shared machine: with one BLAS thread it is close
/// to the wall time the run would take on an idle core (with more threads it includes spin-waits).
struct Timing {
    var medianMs: Double
    var cpuMs: Double

    static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Timing {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        let clock = ContinuousClock()
        let cpuStart = processCPUSeconds()
        for _ in 0..<runs {
            let elapsed = try clock.measure { try body() }
            times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        let cpu = (processCPUSeconds() - cpuStart) * 1e3 / Double(runs)
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        return Timing(medianMs: median, cpuMs: cpu)
    }

    /// User + system CPU seconds of this process, all threads (OpenBLAS workers included).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
