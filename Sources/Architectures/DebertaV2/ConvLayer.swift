import ModelIO
import Tensor

/// `ConvLayer` (modeling_deberta_v2.py), used by deberta-v2-xlarge/xxlarge after the first layer:
/// a 1-D convolution over the sequence of the *embedding output* (zero-padded at each sequence's
/// ends, as HF's masked padding rows are zero), the activation `conv_act`, then
/// LayerNorm(first layer's output + that).
struct ConvLayer: @unchecked Sendable {
    /// conv.weight [h, h/groups, k] rearranged tap-major, [k, h, h/groups], so each tap is one GEMM
    /// operand with unit column stride.
    let taps: Tensor
    let bias: Tensor                // conv.bias: [h]
    let layerNorm: LayerNormWeights // LayerNorm: [h]
    let kernelSize: Int
    let groups: Int
    let hiddenSize: Int
    let activation: DebertaV2Config.HeadActivation

    /// Binds `<prefix>encoder.conv.*` (prefix "deberta.").
    init(config: DebertaV2Config, convolution: DebertaV2Config.Convolution, prefix: String,
         weights: WeightStore) throws {
        let h = config.hiddenSize, k = convolution.kernelSize, groupWidth = h / convolution.groups
        let weight = try weights.tensor("\(prefix)encoder.conv.conv.weight", shape: [h, groupWidth, k])
        bias = try weights.tensor("\(prefix)encoder.conv.conv.bias", shape: [h])
        layerNorm = try LayerNormWeights(prefix: "\(prefix)encoder.conv.LayerNorm", size: h,
                                         epsilon: config.layerNormEps, weights: weights)
        taps = Tensor(zeros: [k, h, groupWidth])
        for tap in 0..<k {
            for o in 0..<h {
                for c in 0..<groupWidth {
                    taps.pointer[(tap * h + o) * groupWidth + c] = weight.pointer[(o * groupWidth + c) * k + tap]
                }
            }
        }
        kernelSize = k
        groups = convolution.groups
        hiddenSize = h
        activation = convolution.activation
    }

    /// scratch.hidden [T, h] = LayerNorm(scratch.hidden + act(conv(scratch.embeddingOutput))), per
    /// packed sequence.
    func forward(tokens: Int, offsets: [Int], lengths: [Int], scratch: DebertaV2Scratch) {
        let h = hiddenSize, groupWidth = h / groups, padding = (kernelSize - 1) / 2
        let input = scratch.embeddingOutput.pointer  // [T, h]
        let out = scratch.convolution.pointer        // [T, h]
        for row in 0..<tokens { (out + row * h).update(from: bias.pointer, count: h) }
        for (offset, length) in zip(offsets, lengths) {
            for tap in 0..<kernelSize {
                // Output t reads input t + shift; rows outside the sequence are zero padding.
                let shift = tap - padding
                let first = max(0, -shift), end = min(length, length - shift)
                guard end > first else { continue }
                for group in 0..<groups {
                    let column = group * groupWidth
                    // out[t, group] [n, g] += x[t + shift, group] [n, g] · W_tap[group]ᵀ [g, g]
                    BLAS.gemm(.none, .transposed, m: end - first, n: groupWidth, k: groupWidth,
                              a: input + (offset + first + shift) * h + column, lda: h,
                              b: taps.pointer + (tap * h + column) * groupWidth, ldb: groupWidth,
                              beta: 1, c: out + (offset + first) * h + column, ldc: h)
                }
            }
        }
        activation.apply(out, count: tokens * h)
        Kernels.add(scratch.hidden.pointer, out, count: tokens * h)
        layerNorm.apply(scratch.hidden.pointer, rows: tokens)
    }
}
