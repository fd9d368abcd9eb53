import Tensor

/// One benchmark shape: `batch` sequences of exactly `length` tokens (no padding).
struct BenchShape: Hashable, Sendable {
    var batch: Int
    var length: Int

    /// [CLS] random word-piece ids [SEP], drawn from the regular vocabulary range of BERT-uncased.
    func tokenIds(vocabSize: Int, using generator: inout SplitMix64) -> [Int32] {
        let low = min(1_000, vocabSize - 1)
        let body = (0..<max(length - 2, 0)).map { _ in Int32(Int.random(in: low..<vocabSize, using: &generator)) }
        return Array(([101] + body + [102]).prefix(length))
    }

    /// Encoder FLOPs, counting the GEMMs only (2 per multiply-add): per layer and token
    /// 2·(4h² + 2hi) for the projections and feed-forward, plus 2·2·L·h for QKᵀ and PV.
    func flops(hidden h: Int, intermediate i: Int, layers: Int) -> Double {
        let tokens = Double(batch * length)
        let dense = 2 * Double(4 * h * h + 2 * h * i)
        let attention = 4 * Double(length * h)
        return Double(layers) * tokens * (dense + attention)
    }
}
