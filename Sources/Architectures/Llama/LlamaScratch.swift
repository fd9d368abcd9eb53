import Tensor

/// Work buffers of one forward pass, reused across calls (shapes for T appended tokens in total).
final class LlamaScratch: @unchecked Sendable {
    let hidden = ScratchBuffer()      // x        [T, hidden]  residual stream
    let normed = ScratchBuffer()      // h        [T, hidden]
    let query = ScratchBuffer()       // q        [T, heads·headDim]
    let key = ScratchBuffer()         // k        [T, kvHeads·headDim]
    let value = ScratchBuffer()       // v        [T, kvHeads·headDim]
    let attention = ScratchBuffer()   // attn     [T, heads·headDim]
    let scores = ScratchBuffer()      // scores   [n, cacheLength] for one sequence and head
    let projected = ScratchBuffer()   // o / down [T, hidden]
    let gate = ScratchBuffer()        // gate     [T, intermediate]
    let up = ScratchBuffer()          // up       [T, intermediate]
    let logits = ScratchBuffer()      // logits   [rows, vocab]
    let weights = ScratchBuffer()     // dequantized weight rows for prefill sgemm
}
