import Foundation
import Tensor

extension LlamaModel {
    /// Which appended positions get logits. The LM head is the largest matrix of a small model
    /// ([vocab, hidden]) and its output is [rows, vocab]: only rows that will be read are computed.
    enum LogitRows: Equatable {
        /// Each sequence's last appended position ([vocab]; zeros for a sequence given nothing).
        case last
        /// Each sequence's last `count` appended positions (all of them when it has fewer),
        /// [min(count, n), vocab] flattened.
        case tail(Int)
    }

    /// The decoder over a ragged batch: inputs[s] is [n_s · hidden] embeddings appended to sequence s.
    /// modeling_llama.py `LlamaModel.forward`: x += attn(norm(x)); x += mlp(norm(x)); logits = head(norm(x)).
    func run(_ inputs: [[Float]], cache: KVCache, logits wanted: LogitRows) throws -> [[Float]] {
        let c = config
        guard inputs.count == cache.sequences else {
            throw ArchitecturesError.invalidBatch("\(inputs.count) sequences given to a cache of \(cache.sequences)")
        }
        let counts = inputs.map { $0.count / c.hiddenSize }
        for s in 0..<counts.count where cache.lengths[s] + counts[s] > cache.capacity {
            throw ArchitecturesError.invalidBatch(
                "sequence \(s): \(cache.lengths[s]) cached + \(counts[s]) new tokens exceed the cache capacity \(cache.capacity)")
        }
        let total = counts.reduce(0, +)
        guard total > 0 else { return inputs.map { _ in wanted == .last ? [Float](repeating: 0, count: c.vocabularySize) : [] } }
        let starts = counts.indices.map { s in counts[..<s].reduce(0, +) }  // first row of each sequence
        let d = c.hiddenSize, qDim = c.headCount * c.headDim, kvDim = c.keyValueDim
        let threads = options.blasThreadCount, quantized = options.quantizedActivations

        let x = scratch.hidden.reserve(total * d)          // [T, hidden]
        for (s, input) in inputs.enumerated() {
            input.withUnsafeBufferPointer { (x + starts[s] * d).update(from: $0.baseAddress!, count: $0.count) }
        }
        let h = scratch.normed.reserve(total * d)          // [T, hidden]
        let q = scratch.query.reserve(total * qDim)        // [T, heads·headDim]
        let k = scratch.key.reserve(total * kvDim)         // [T, kvHeads·headDim]
        let v = scratch.value.reserve(total * kvDim)       // [T, kvHeads·headDim]
        let attn = scratch.attention.reserve(total * qDim) // [T, heads·headDim]
        let proj = scratch.projected.reserve(total * d)    // [T, hidden]
        let gate = scratch.gate.reserve(total * c.intermediateSize)  // [T, intermediate]
        let up = scratch.up.reserve(total * c.intermediateSize)      // [T, intermediate]
        var positions = [Int32](repeating: 0, count: total)          // [T]
        for s in counts.indices { for i in 0..<counts[s] { positions[starts[s] + i] = Int32(cache.lengths[s] + i) } }

        for (l, layer) in weights.layers.enumerated() {
            Kernels.rmsNorm(x, rows: total, cols: d, weight: layer.attentionNorm.pointer, epsilon: c.rmsNormEpsilon, into: h)
            layer.query.linear(h, vectors: total, into: q, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            layer.key.linear(h, vectors: total, into: k, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            layer.value.linear(h, vectors: total, into: v, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            positions.withUnsafeBufferPointer { p in
                Kernels.rotaryEmbedding(q, rows: total, rowStride: qDim, heads: c.headCount, headDim: c.headDim,
                                        positions: p.baseAddress!, theta: c.ropeTheta, layout: c.rotaryLayout)
                Kernels.rotaryEmbedding(k, rows: total, rowStride: kvDim, heads: c.keyValueHeadCount, headDim: c.headDim,
                                        positions: p.baseAddress!, theta: c.ropeTheta, layout: c.rotaryLayout)
            }
            for s in counts.indices where counts[s] > 0 {
                let past = cache.lengths[s], n = counts[s]
                let keys = cache.keys(layer: l, sequence: s), values = cache.values(layer: l, sequence: s)
                (keys + past * kvDim).update(from: k + starts[s] * kvDim, count: n * kvDim)
                (values + past * kvDim).update(from: v + starts[s] * kvDim, count: n * kvDim)
                attend(query: q + starts[s] * qDim, count: n, past: past, keys: keys, values: values,
                       into: attn + starts[s] * qDim)
            }
            layer.output.linear(attn, vectors: total, into: proj, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            Kernels.add(x, proj, count: total * d)

            Kernels.rmsNorm(x, rows: total, cols: d, weight: layer.mlpNorm.pointer, epsilon: c.rmsNormEpsilon, into: h)
            layer.gate.linear(h, vectors: total, into: gate, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            layer.up.linear(h, vectors: total, into: up, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            Kernels.swiGLU(gate, up: up, count: total * c.intermediateSize)
            layer.down.linear(gate, vectors: total, into: proj, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
            Kernels.add(x, proj, count: total * d)
        }
        for s in counts.indices { cache.advance(sequence: s, by: counts[s]) }

        // Only the rows whose logits are wanted go through the final norm and the LM head.
        let kept = counts.map { n in  // rows kept per sequence: its last ones
            switch wanted {
            case .last: return min(n, 1)
            case .tail(let count): return min(n, max(count, 0))
            }
        }
        let rows: [Int] = counts.indices.flatMap { s in (starts[s] + counts[s] - kept[s])..<(starts[s] + counts[s]) }
        for (i, r) in rows.enumerated() {
            Kernels.rmsNorm(x + r * d, rows: 1, cols: d, weight: weights.finalNorm.pointer, epsilon: c.rmsNormEpsilon, into: h + i * d)
        }
        let vocab = c.vocabularySize
        let logits = scratch.logits.reserve(rows.count * vocab)  // [rows, vocab]
        weights.lmHead.linear(h, vectors: rows.count, into: logits, scratch: scratch.weights, threads: threads, quantizedActivations: quantized)
        var next = 0
        return kept.map { n in
            if wanted == .last, n == 0 { return [Float](repeating: 0, count: vocab) }
            defer { next += n }
            return Array(UnsafeBufferPointer(start: logits + next * vocab, count: n * vocab))
        }
    }

    /// Causal grouped-query attention of one sequence's n new rows against its cache [past + n, kvDim].
    /// Query head h reads key/value head h / (heads / kvHeads) (modeling_llama.py `repeat_kv`).
    private func attend(
        query q: UnsafePointer<Float>, count n: Int, past: Int,
        keys: UnsafePointer<Float>, values: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
    ) {
        let c = config, length = past + n, qDim = c.headCount * c.headDim, kvDim = c.keyValueDim
        let group = c.headCount / c.keyValueHeadCount
        let scores = scratch.scores.reserve(n * length)  // [n, length]
        let scale = 1 / Float(c.headDim).squareRoot()
        for head in 0..<c.headCount {
            let kvOffset = (head / group) * c.headDim
            // scores = q_h · K_hᵀ / sqrt(d)   [n, length]
            BLAS.gemm(.none, .transposed, m: n, n: length, k: c.headDim, alpha: scale,
                      a: q + head * c.headDim, lda: qDim, b: keys + kvOffset, ldb: kvDim, c: scores, ldc: length)
            // Row i sees positions 0...past+i; softmax zeroes the masked (future) entries.
            for i in 0..<n {
                Kernels.softmax(scores + i * length, rows: 1, cols: length, validCount: past + i + 1)
            }
            // out_h = P · V_h   [n, headDim]
            BLAS.gemm(.none, .none, m: n, n: c.headDim, k: length,
                      a: scores, lda: length, b: values + kvOffset, ldb: kvDim, c: out + head * c.headDim, ldc: qDim)
        }
    }
}
