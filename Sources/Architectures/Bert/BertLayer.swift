import Foundation
import ModelIO
import Tensor

/// `BertLayer` (modeling_bert.py): self-attention and feed-forward, each followed by a residual
/// add and LayerNorm (post-LN). Q, K and V are fused into one [3·hidden, hidden] projection.
struct BertLayer: @unchecked Sendable {
    let qkv: LinearWeights                // attention.self.{query,key,value}: [3h, h]
    let attentionOutput: LinearWeights    // attention.output.dense: [h, h]
    let attentionLayerNorm: LayerNormWeights  // attention.output.LayerNorm
    let intermediate: LinearWeights       // intermediate.dense: [i, h]
    let output: LinearWeights             // output.dense: [h, i]
    let outputLayerNorm: LayerNormWeights // output.LayerNorm
    let activation: Activation
    let heads: Int
    let headSize: Int

    /// Binds `<prefix>` = "…encoder.layer.<n>".
    init(config: BertConfig, prefix: String, weights: WeightStore, precision: EngineOptions.Precision = .fp32) throws {
        let h = config.hiddenSize, i = config.intermediateSize, eps = config.layerNormEps
        let projections = try ["query", "key", "value"].map {
            // Packed once, after fusing (packing the parts would be thrown away).
            try LinearWeights(prefix: "\(prefix).attention.self.\($0)", inFeatures: h, outFeatures: h, weights: weights,
                              pack: false)
        }
        qkv = LinearWeights(concatenating: projections, precision: precision)
        attentionOutput = try LinearWeights(prefix: "\(prefix).attention.output.dense", inFeatures: h, outFeatures: h,
                                            weights: weights, precision: precision)
        attentionLayerNorm = try LayerNormWeights(prefix: "\(prefix).attention.output.LayerNorm", size: h, epsilon: eps, weights: weights)
        intermediate = try LinearWeights(prefix: "\(prefix).intermediate.dense", inFeatures: h, outFeatures: i,
                                         weights: weights, precision: precision)
        output = try LinearWeights(prefix: "\(prefix).output.dense", inFeatures: i, outFeatures: h, weights: weights,
                                   precision: precision)
        outputLayerNorm = try LayerNormWeights(prefix: "\(prefix).output.LayerNorm", size: h, epsilon: eps, weights: weights)
        activation = config.activation
        heads = config.numAttentionHeads
        headSize = config.headSize
    }

    /// Floats of int8 activation scratch a forward over `tokens` rows needs (0 in fp32).
    func quantizedScratchCount(tokens: Int) -> Int {
        [qkv, attentionOutput, intermediate, output].map { $0.scratchCount(rows: tokens) }.max() ?? 0
    }

    /// Runs the layer in place on the packed residual stream `scratch.hidden` [T, h].
    /// `offsets`/`lengths` locate each sequence's rows; attention never crosses sequences and only
    /// sees real tokens, which is exactly HF's additive padding mask for the real positions.
    func forward(tokens: Int, offsets: [Int], lengths: [Int], scratch: BertScratch, threads: Int) {
        let h = heads * headSize
        let x = scratch.hidden.pointer
        let qkvRows = scratch.qkv.pointer      // [T, 3h]
        let context = scratch.context.pointer  // [T, h]
        let quantScratch = scratch.quantizedActivations.pointer  // int8 rows + scales (unused in fp32)
        qkv.forward(x, rows: tokens, into: qkvRows, threads: threads, scratch: quantScratch)

        // softmax(Q Kᵀ / √d) V per (sequence, head), reading heads in place with row stride 3h.
        // Threads take (sequence, head-group) items, each with its own slice of attention work.
        let scale = 1 / Float(headSize).squareRoot()
        let work = scratch.attentionWork.pointer
        let workStride = scratch.attentionWorkStride
        let groups = threads > 1 ? min(threads, heads) : 1
        let items = offsets.count * groups
        let (heads, headSize) = (heads, headSize)
        let run = { (item: Int, slot: Int) in
            let sequence = item / groups, group = item % groups
            let range = (heads * group / groups)..<(heads * (group + 1) / groups)
            Attention.forward(qkv: qkvRows + offsets[sequence] * 3 * h, length: lengths[sequence], heads: heads,
                              headSize: headSize, scale: scale, context: context + offsets[sequence] * h, ldc: h,
                              work: work + slot * workStride, headRange: range)
        }
        if groups > 1 {
            // Worker `slot` runs items slot, slot + groups, … serially, so its work slice is private.
            Parallel.forEach(iterations: groups) { slot in
                var item = slot
                while item < items { run(item, slot); item += groups }
            }
        } else {
            for item in 0..<items { run(item, 0) }
        }

        // x = LayerNorm(x + context Wₒᵀ + bₒ)
        attentionOutput.forwardAccumulating(context, rows: tokens, into: x, threads: threads, scratch: quantScratch)
        attentionLayerNorm.apply(x, rows: tokens)

        // x = LayerNorm(x + act(x W₁ᵀ + b₁) W₂ᵀ + b₂), over row chunks (rows are independent here), so the
        // intermediate activations stay [chunk, i] and in cache between the two GEMMs.
        let inner = scratch.intermediate.pointer  // [chunk, i]
        let chunk = max(1, scratch.feedForwardChunkRows)
        for start in stride(from: 0, to: tokens, by: chunk) {
            let rows = min(chunk, tokens - start)
            let xs = x + start * h
            intermediate.forward(xs, rows: rows, into: inner, threads: threads, scratch: quantScratch)
            activation.apply(inner, count: rows * intermediate.outFeatures)
            output.forwardAccumulating(inner, rows: rows, into: xs, threads: threads, scratch: quantScratch)
        }
        outputLayerNorm.apply(x, rows: tokens)
    }
}
