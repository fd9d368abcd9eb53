import Tensor

/// Work memory for one BERT forward pass, reused across calls and grown only when a batch needs
/// more rows than any before. Activations are packed: T = total real tokens, no padding rows.
final class BertScratch: @unchecked Sendable {
    /// Residual stream, [T, hidden].
    let hidden = ScratchBuffer()
    /// Fused projections, [T, 3·hidden] (Q | K | V per row).
    let qkv = ScratchBuffer()
    /// Attention output before the output projection, [T, hidden].
    let context = ScratchBuffer()
    /// Feed-forward intermediate, [min(T, feedForwardChunkRows), intermediate]: the FFN runs over row chunks.
    let intermediate = ScratchBuffer()
    /// Rows per feed-forward chunk. The intermediate activations of a whole batch would be the largest
    /// buffer of the pass ([4096, 1536] fp32 = 25 MB at 32 windows of 128 tokens); a 256-row chunk is 1.5 MB,
    /// and FFN-down reads it back from cache instead of memory. Settable for tests.
    var feedForwardChunkRows = 256
    /// Attention work (scores, transposed keys), one slice of `attentionWorkStride` floats per thread.
    let attentionWork = ScratchBuffer()
    private(set) var attentionWorkStride = 0
    /// First-token rows of the last layer when only they are needed (classification):
    /// residual stream [B, hidden] then attention context [B, hidden].
    let firstTokens = ScratchBuffer()
    /// int8 mode: one linear's quantized input rows and their scales (see `Int8PackedMatrix`).
    let quantizedActivations = ScratchBuffer()

    /// Makes room for `tokens` packed rows of `sequences` sequences up to `maxLength`, and `threads`
    /// attention slices.
    func reserve(tokens: Int, sequences: Int, maxLength: Int, hiddenSize: Int, intermediateSize: Int, headSize: Int,
                 threads: Int, quantizedCount: Int) {
        quantizedActivations.reserve(max(quantizedCount, 1))
        hidden.reserve(tokens * hiddenSize)
        qkv.reserve(tokens * 3 * hiddenSize)
        context.reserve(tokens * hiddenSize)
        firstTokens.reserve(2 * sequences * hiddenSize)
        // Also [B, intermediate] for the [CLS]-only last layer.
        intermediate.reserve(max(min(tokens, feedForwardChunkRows), sequences) * intermediateSize)
        // Whole cache lines per slice so threads never share one.
        attentionWorkStride = (Attention.workCount(length: maxLength, headSize: headSize) + 15) / 16 * 16
        attentionWork.reserve(attentionWorkStride * max(threads, 1))
    }
}
