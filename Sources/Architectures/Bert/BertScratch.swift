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
    /// Feed-forward intermediate, [T, intermediate].
    let intermediate = ScratchBuffer()
    /// Attention probabilities of one (sequence, head), [L, L] for the longest L.
    let scores = ScratchBuffer()

    /// Makes room for `tokens` packed rows and sequences up to `maxLength`.
    func reserve(tokens: Int, maxLength: Int, hiddenSize: Int, intermediateSize: Int) {
        hidden.reserve(tokens * hiddenSize)
        qkv.reserve(tokens * 3 * hiddenSize)
        context.reserve(tokens * hiddenSize)
        intermediate.reserve(tokens * intermediateSize)
        scores.reserve(maxLength * maxLength)
    }
}
