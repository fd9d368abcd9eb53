import Architectures
import Foundation

/// The side-by-side table EngineBench prints.
struct BenchTable {
    var shapes: [BenchShape]
    var measured: [BenchShape: (timing: Timing, pooled: [Float])]
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
        return lines.joined(separator: "\n")
    }
}
