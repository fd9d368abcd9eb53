import Architectures
import Foundation

/// The side-by-side table EngineBench prints.
struct BenchTable {
    var shapes: [BenchShape]
    var measured: [BenchShape: (timing: Timing, pooled: [Float])]
    var measuredInt8: [BenchShape: (timing: Timing, pooled: [Float])] = [:]
    var peers: PeerResults
    var config: BertConfig

    func render() -> String {
        var lines: [String] = []
        let versions = peers.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("")
        lines.append("         |        rampart          |          pytorch               |         onnxruntime            |")
        lines.append("shape    |    ms     cpu  GFLOP/s  |    ms     cpu  GFLOP/s  ratio  |    ms     cpu  GFLOP/s  ratio  | max|Δ| vs pt")
        for shape in shapes {
            guard let ours = measured[shape] else { continue }
            let flops = shape.flops(hidden: config.hiddenSize, intermediate: config.intermediateSize, layers: config.numHiddenLayers)
            func gflops(_ ms: Double) -> Double { flops / (ms * 1e-3) / 1e9 }
            let name = "\(shape.batch)x\(shape.length)"
            var line = name.padding(toLength: 9, withPad: " ", startingAt: 0)
            line += String(format: "| %7.2f %7.2f %7.1f  |", ours.timing.medianMs, ours.timing.cpuMs, gflops(ours.timing.medianMs))
            for engine in ["pytorch", "onnxruntime"] {
                if let peer = peers.result(engine, shape) {
                    line += String(format: " %7.2f %7.2f %7.1f %5.2fx  |", peer.medianMs, peer.cpuMs,
                                   gflops(peer.medianMs), peer.medianMs / ours.timing.medianMs)
                } else {
                    line += String(repeating: " ", count: 30) + "-  |"
                }
            }
            if let reference = peers.result("pytorch", shape)?.meanPooled, reference.count == ours.pooled.count {
                let diff = zip(reference, ours.pooled).map { abs($0 - $1) }.max() ?? 0
                line += String(format: " %9.2e", diff)
            }
            lines.append(line)
        }
        lines.append("ms: median wall time; cpu: mean process CPU ms per run (all threads); ratio: peer ms / rampart ms " +
                     "(> 1: Rampart faster); GFLOP/s counts encoder GEMM FLOPs only; max|Δ|: mean-pooled embeddings.")
        lines.append("Peers: \(versions.isEmpty ? "not run" : versions)")
        if let diff = peers.maxAbsDiffTorchVsOrt {
            lines.append(String(format: "PyTorch vs ONNX Runtime last hidden state max|Δ|: %.2e", diff))
        }
        if !measuredInt8.isEmpty {
            lines.append("")
            lines.append("int8     |    ms     cpu  | cpu vs fp32 | pooled cosine vs fp32 (min over batch) | max|Δ| vs pt")
            for shape in shapes {
                guard let q = measuredInt8[shape], let f = measured[shape] else { continue }
                var line = "\(shape.batch)x\(shape.length)".padding(toLength: 9, withPad: " ", startingAt: 0)
                line += String(format: "| %7.2f %7.2f |   %5.2fx    | %.6f", q.timing.medianMs, q.timing.cpuMs,
                               q.timing.cpuMs / f.timing.cpuMs, minCosine(q.pooled, f.pooled, width: config.hiddenSize))
                if let reference = peers.result("pytorch", shape)?.meanPooled, reference.count == q.pooled.count {
                    line += String(format: "                             %9.2e", zip(reference, q.pooled).map { abs($0 - $1) }.max() ?? 0)
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The issue's targets, each with its measured ratio (CPU ms, which at one thread is the wall
    /// time on an idle core; on a shared machine wall medians are noise).
    func renderTargets() -> String {
        var lines = ["", "Targets (CPU ms per run; ratio = rampart / onnxruntime unless stated):"]
        func status(_ ok: Bool) -> String { ok ? "MET" : "not met" }
        for shape in shapes {
            guard let ours = measured[shape], let ort = peers.result("onnxruntime", shape) else { continue }
            let name = "\(shape.batch)x\(shape.length)"
            if shape.batch == 1 {
                let ratio = ours.timing.cpuMs / ort.cpuMs
                lines.append(String(format: "  fp32 latency %@ <= ORT:          %7.2f vs %7.2f ms  ratio %.2f  %@",
                                    name, ours.timing.cpuMs, ort.cpuMs, ratio, status(ratio <= 1)))
            } else {
                let speedup = ort.cpuMs / ours.timing.cpuMs
                lines.append(String(format: "  fp32 throughput %@ >= 1.1x ORT:  %7.2f vs %7.2f ms  %.2fx  %@",
                                    name, ours.timing.cpuMs, ort.cpuMs, speedup, status(speedup >= 1.1)))
            }
            if let q = measuredInt8[shape] {
                let ratio = q.timing.cpuMs / ort.cpuMs
                lines.append(String(format: "  int8 %@ <= 0.5x ORT fp32:        %7.2f vs %7.2f ms  ratio %.2f  %@",
                                    name, q.timing.cpuMs, ort.cpuMs, ratio, status(ratio <= 0.5)))
            }
        }
        if lines.count == 2 { lines.append("  (no ONNX Runtime figures: run without --no-peers)") }
        return lines.joined(separator: "\n")
    }

    /// The smallest cosine similarity between corresponding rows of two [rows, width] matrices.
    private func minCosine(_ a: [Float], _ b: [Float], width: Int) -> Double {
        guard a.count == b.count, width > 0 else { return .nan }
        var worst = 1.0
        for start in stride(from: 0, to: a.count, by: width) {
            var dot = 0.0, na = 0.0, nb = 0.0
            for i in start..<(start + width) {
                dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i])
            }
            worst = min(worst, dot / max((na * nb).squareRoot(), 1e-30))
        }
        return worst
    }
}
