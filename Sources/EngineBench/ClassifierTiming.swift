import Architectures
import Foundation

/// `--classify`: times the guard classifier in `--classifier` (BERT sequence classification) on the same
/// token ids as the encoder rows. Its last layer runs only the [CLS] rows (`BertModel.encode(firstTokensOnly:)`),
/// so it does about a sixth less work than the encoder benchmark; ONNX Runtime's figure beside it is the full
/// encoder, which is what an ORT classifier graph runs too (the pooler and head add < 0.1% of the FLOPs).
struct ClassifierTiming {
    var model: URL
    var threads: Int
    var int8: Bool

    /// CPU and wall timings per shape, fp32 and (with `int8`) int8.
    var fp32: [BenchShape: Timing] = [:]
    var quantized: [BenchShape: Timing] = [:]

    mutating func measure(shapes: [BenchShape], inputs: [BenchShape: [[Int32]]], runs: Int, warmup: Int) throws {
        let precisions: [EngineOptions.Precision] = int8 ? [.fp32, .int8] : [.fp32]
        for precision in precisions {
            let classifier = try ModelLoader.loadClassifier(
                at: model, options: EngineOptions(blasThreadCount: threads, precision: precision))
            for shape in shapes {
                guard let ids = inputs[shape] else { continue }
                // The classifier's vocabulary is the encoder's (a fine-tuned MiniLM); ids come from the encoder rows.
                let batch = TokenBatch(sequences: ids)
                let timing = try Timing.measure(runs: runs, warmup: warmup) { _ = try classifier.classify(batch) }
                if precision == .int8 { quantized[shape] = timing } else { fp32[shape] = timing }
                print(String(format: "  rampart classifier %@ %dx%d: %.2f ms (cpu %.2f ms)", precision.rawValue,
                             shape.batch, shape.length, timing.medianMs, timing.cpuMs))
            }
        }
    }

    /// The classifier against ONNX Runtime's encoder, per shape (CPU ms; ratio ORT / Rampart, > 1: Rampart faster).
    func render(shapes: [BenchShape], peers: PeerResults) -> String {
        var lines = ["", "Guard classifier (\(model.lastPathComponent); last layer on [CLS] rows only) vs ONNX Runtime's full encoder, CPU ms:"]
        for shape in shapes {
            guard let ours = fp32[shape] else { continue }
            var line = String(format: "  %dx%d  fp32 %7.2f", shape.batch, shape.length, ours.cpuMs)
            if let ort = peers.result("onnxruntime", shape) {
                line += String(format: "  ORT %7.2f  ORT/Rampart %.2fx", ort.cpuMs, ort.cpuMs / ours.cpuMs)
                if let q = quantized[shape] {
                    line += String(format: "  int8 %7.2f (%.2f of ORT fp32)", q.cpuMs, q.cpuMs / ort.cpuMs)
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
