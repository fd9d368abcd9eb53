import ModelIO
import Tensor

/// `DebertaV2Encoder` (modeling_deberta_v2.py): the layer stack plus what all layers share, the
/// relative-position embeddings (`rel_embeddings`, [2·span, hidden], LayerNorm-ed by
/// `encoder.LayerNorm` when `norm_rel_ebd` contains "layer_norm") and the relative-position tables.
/// deberta-v2-xlarge/xxlarge add a `ConvLayer` after the first layer (`conv_kernel_size` > 0).
struct DebertaV2Encoder: @unchecked Sendable {
    let layers: [DebertaV2Layer]
    /// `encoder.conv`, nil unless `conv_kernel_size` > 0.
    let convolution: ConvLayer?
    /// nil without `relative_attention`.
    let positions: RelativePositions?

    /// Binds `<prefix>encoder.*` (prefix "deberta.").
    init(config: DebertaV2Config, prefix: String, weights: WeightStore) throws {
        let h = config.hiddenSize
        var relativeEmbeddings: Tensor?
        if config.hasRelativeAttention {
            let span = config.attentionSpan
            let table = try weights.tensor("\(prefix)encoder.rel_embeddings.weight", shape: [2 * span, h])
            // get_rel_embedding: normalise once here; the result depends only on weights. Copy
            // first, since a zero-copy table borrows the read-only mapping.
            let normalised = Tensor(zeros: table.shape)
            normalised.pointer.update(from: table.pointer, count: table.count)
            if config.normalizesRelativeEmbeddings {
                let norm = try LayerNormWeights(prefix: "\(prefix)encoder.LayerNorm", size: h,
                                                epsilon: config.layerNormEps, weights: weights)
                norm.apply(normalised.pointer, rows: 2 * span)
            }
            relativeEmbeddings = normalised
            positions = RelativePositions(
                maxLength: config.maxPositionEmbeddings, buckets: config.positionBuckets,
                maxPosition: config.maxRelativePositions, attentionSpan: span)
        } else {
            positions = nil
        }
        convolution = try config.convolution.map {
            try ConvLayer(config: config, convolution: $0, prefix: prefix, weights: weights)
        }
        layers = try (0..<config.numHiddenLayers).map {
            try DebertaV2Layer(config: config, prefix: "\(prefix)encoder.layer.\($0)",
                               relativeEmbeddings: relativeEmbeddings, weights: weights)
        }
    }

    /// Runs every layer in place on `scratch.hidden` [T, h]; `observer` sees the packed states
    /// after layer n (as stage n, 1-based).
    func forward(tokens: Int, offsets: [Int], lengths: [Int], scratch: DebertaV2Scratch,
                 observer: ((Int, UnsafePointer<Float>) -> Void)?) {
        if let convolution {
            // The convolution reads the encoder's input, which layer 0 overwrites in place.
            scratch.embeddingOutput.pointer.update(from: scratch.hidden.pointer, count: tokens * convolution.hiddenSize)
        }
        for (index, layer) in layers.enumerated() {
            layer.forward(tokens: tokens, offsets: offsets, lengths: lengths, positions: positions, scratch: scratch)
            // DebertaV2Encoder.forward: `if i == 0 and self.conv is not None`.
            if index == 0, let convolution {
                convolution.forward(tokens: tokens, offsets: offsets, lengths: lengths, scratch: scratch)
            }
            observer?(index + 1, scratch.hidden.pointer)
        }
    }
}
