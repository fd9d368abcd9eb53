import Architectures
import Foundation

/// `--golden`: a guard classifier's P(unsafe) in fp32 and int8 against the golden rows its training
/// recipe wrote (JSONL with input_ids, token_type_ids, p_unsafe), plus load time and peak memory.
struct GoldenCheck {
    struct Row: Decodable {
        var inputIds: [Int32]
        var tokenTypeIds: [Int32]
        var pUnsafe: Double
        enum CodingKeys: String, CodingKey { case inputIds = "input_ids", tokenTypeIds = "token_type_ids", pUnsafe = "p_unsafe" }
    }

    var model: URL
    var golden: URL
    var threads: Int

    func run() throws {
        let rows = try String(contentsOf: golden, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Row.self, from: Data($0.utf8)) }
        var probabilities: [EngineOptions.Precision: [Double]] = [:]
        for precision in EngineOptions.Precision.allCases {
            let clock = ContinuousClock()
            var loaded: (any SequenceClassifier)?
            let loadTime = try clock.measure {
                loaded = try ModelLoader.loadClassifier(at: model, options: EngineOptions(blasThreadCount: threads, precision: precision))
            }
            guard let classifier = loaded else { continue }
            var p: [Double] = []
            for row in rows {
                let logits = try classifier.classify(TokenBatch(sequences: [row.inputIds], typeIds: [row.tokenTypeIds]))
                // P(unsafe): softmax over the labels, the last label being "unsafe" for the binary guard.
                let top = logits.max() ?? 0
                let exps = logits.map { Foundation.exp(Double($0 - top)) }
                p.append(exps[exps.count - 1] / exps.reduce(0, +))
            }
            probabilities[precision] = p
            let vsGolden = zip(p, rows).map { abs($0 - $1.pUnsafe) }
            print(String(format: "%@: load %.3f s, %d golden rows, max |P - golden| %.2e, mean %.2e",
                         precision.rawValue, Double(loadTime.components.attoseconds) * 1e-18 + Double(loadTime.components.seconds),
                         rows.count, vsGolden.max() ?? 0, vsGolden.reduce(0, +) / Double(max(rows.count, 1))))
        }
        if let fp32 = probabilities[.fp32], let int8 = probabilities[.int8] {
            let diff = zip(fp32, int8).map { abs($0 - $1) }
            let flips = zip(fp32, int8).filter { ($0 >= 0.5) != ($1 >= 0.5) }.count
            print(String(format: "int8 vs fp32: max |ΔP| %.4f, mean %.4f, decisions flipped at 0.5: %d of %d",
                         diff.max() ?? 0, diff.reduce(0, +) / Double(max(diff.count, 1)), flips, diff.count))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("peak resident memory (both engines loaded one after the other): \(usage.ru_maxrss / 1024) MB")
    }
}
