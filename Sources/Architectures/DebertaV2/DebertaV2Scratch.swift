import Tensor

/// Work memory for one DeBERTa-v2 forward pass, reused across calls and grown only when a batch
/// needs more than any before. Activations are packed: T = total real tokens, no padding rows;
/// L = the longest sequence; R = the relative-embedding rows one sequence reads (≤ 2·span).
final class DebertaV2Scratch: @unchecked Sendable {
    /// Residual stream, [T, hidden].
    let hidden = ScratchBuffer()
    /// Embedding-table sums before `embed_proj`, [T, embeddingSize] (only when it differs from hidden).
    let embeddings = ScratchBuffer()
    /// The embedding output kept for the convolution layer, [T, hidden] (conv models only).
    let embeddingOutput = ScratchBuffer()
    /// The convolution's output, [T, hidden] (conv models only).
    let convolution = ScratchBuffer()
    /// Fused projections, [T, 3·hidden] (Q | K | V per row).
    let qkv = ScratchBuffer()
    /// Attention output before the output projection, [T, hidden].
    let context = ScratchBuffer()
    /// Feed-forward intermediate, [T, intermediate].
    let intermediate = ScratchBuffer()
    /// Attention scores then probabilities of one (sequence, head), [L, L].
    let scores = ScratchBuffer()
    /// Query content × position keys of one (sequence, head), [L, R].
    let contentToPosition = ScratchBuffer()
    /// Key content × position queries of one (sequence, head), [L, R].
    let positionToContent = ScratchBuffer()

    /// Makes room for `tokens` packed rows and sequences up to `maxLength`.
    func reserve(tokens: Int, maxLength: Int, config: DebertaV2Config) {
        let h = config.hiddenSize
        hidden.reserve(tokens * h)
        if config.embeddingSize != h { embeddings.reserve(tokens * config.embeddingSize) }
        if config.convolution != nil {
            embeddingOutput.reserve(tokens * h)
            convolution.reserve(tokens * h)
        }
        qkv.reserve(tokens * 3 * h)
        context.reserve(tokens * h)
        intermediate.reserve(tokens * config.intermediateSize)
        scores.reserve(maxLength * maxLength)
        if config.hasRelativeAttention {
            let rows = min(2 * maxLength - 1, 2 * config.attentionSpan)
            contentToPosition.reserve(maxLength * rows)
            positionToContent.reserve(maxLength * rows)
        }
    }
}
