import Architectures
import Foundation

/// The side-by-side table EngineBench prints.
struct BenchTable {
    var shapes: [BenchShape]
    var measured: [BenchShape: (ms: Double, pooled: [Float])]
    var peers: PeerResults
    var config: BertConfig

    func render() -> String {
        var lines: [String] = []
        let versions = peers.versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("")
        lines.append("shape   rampart ms  GFLOP/s   pytorch ms  GFLOP/s  pt/rampart   onnxrt ms  GFLOP/s  ort/rampart  max|Δ| vs pt")
        for shape in shapes {
            guard let ours = measured[shape] else { continue }
            let flops = shape.flops(hidden: config.hiddenSize, intermediate: config.intermediateSize, layers: config.numHiddenLayers)
            func gflops(_ ms: Double) -> Double { flops / (ms * 1e-3) / 1e9 }
            var line = String(format: "%-6@ %11.2f %8.1f", "\(shape.batch)x\(shape.length)" as NSString, ours.ms, gflops(ours.ms))
            if let pt = peers.result("pytorch", shape) {
                line += String(format: " %12.2f %8.1f %10.2fx", pt.medianMs, gflops(pt.medianMs), pt.medianMs / ours.ms)
            } else {
                line += String(repeating: " ", count: 32) + "-"
            }
            if let ort = peers.result("onnxruntime", shape) {
                line += String(format: " %11.2f %8.1f %11.2fx", ort.medianMs, gflops(ort.medianMs), ort.medianMs / ours.ms)
            } else {
                line += String(repeating: " ", count: 32) + "-"
            }
            if let reference = peers.result("pytorch", shape)?.meanPooled, reference.count == ours.pooled.count {
                let diff = zip(reference, ours.pooled).map { abs($0 - $1) }.max() ?? 0
                line += String(format: "  %12.2e", diff)
            }
            lines.append(line)
        }
        lines.append("ratios > 1 mean Rampart is faster; GFLOP/s counts encoder GEMM FLOPs only. Peers: \(versions.isEmpty ? "not run" : versions)")
        if let diff = peers.maxAbsDiffTorchVsOrt {
            lines.append(String(format: "PyTorch vs ONNX Runtime last hidden state max|Δ|: %.2e", diff))
        }
        return lines.joined(separator: "\n")
    }
}
