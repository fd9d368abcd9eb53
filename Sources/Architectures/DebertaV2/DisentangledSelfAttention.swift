import Foundation
import ModelIO
import Tensor

/// `DisentangledSelfAttention` (modeling_deberta_v2.py): scaled dot-product attention whose
/// scores add, per `pos_att_type`, a content-to-position term (query content · relative-position
/// keys) and a position-to-content term (key content · relative-position queries):
///
///     A[i, j] = (q_i·k_j + q_i·pk[c2p(i, j)] + k_j·pq[p2c(i, j)]) / √(d · scaleFactor)
///
/// The relative-position projections pk = rel · W_kᵀ + b_k and pq = rel · W_qᵀ + b_q depend only on
/// weights, so they are computed once at load ([2·span, hidden] each, per layer).
struct DisentangledSelfAttention: @unchecked Sendable {
    let qkv: LinearWeights        // self.{query,key,value}_proj fused: [3h, h]
    let positionKeys: Tensor?     // pk: [2·span, h]; c2p only
    let positionQueries: Tensor?  // pq: [2·span, h]; p2c only
    let heads: Int
    let headSize: Int
    /// 1 / √(headSize · scaleFactor).
    let scale: Float

    /// Binds `<prefix>` = "…encoder.layer.<n>.attention.self". `relativeEmbeddings` is the
    /// encoder's (LayerNorm-ed when norm_rel_ebd says so) table [2·span, h], nil without
    /// relative attention.
    init(config: DebertaV2Config, prefix: String, relativeEmbeddings: Tensor?, weights: WeightStore) throws {
        let h = config.hiddenSize
        func linear(_ name: String) throws -> LinearWeights {
            try LinearWeights(prefix: "\(prefix).\(name)", inFeatures: h, outFeatures: h, weights: weights)
        }
        let query = try linear("query_proj"), key = try linear("key_proj"), value = try linear("value_proj")
        qkv = LinearWeights(concatenating: [query, key, value])
        heads = config.numAttentionHeads
        headSize = config.headSize
        // modeling_deberta_v2.py: scaled_size_sqrt(query_layer, scale_factor).
        scale = 1 / (Float(headSize) * Float(config.scaleFactor)).squareRoot()

        let terms = config.positionAttention
        guard let rel = relativeEmbeddings, config.hasRelativeAttention else {
            positionKeys = nil
            positionQueries = nil
            return
        }
        func project(_ projection: LinearWeights) -> Tensor {
            let out = Tensor(zeros: [rel.shape[0], h])
            projection.forward(rel.pointer, rows: rel.shape[0], into: out.pointer)
            return out
        }
        // share_att_key: the content projections double as positional ones; otherwise v2's
        // pos_key_proj / pos_query_proj (only those the enabled terms use exist).
        positionKeys = terms.contains(.contentToPosition)
            ? try project(config.sharesAttentionKey ? key : linear("pos_key_proj")) : nil
        positionQueries = terms.contains(.positionToContent)
            ? try project(config.sharesAttentionKey ? query : linear("pos_query_proj")) : nil
    }

    /// Computes the attention context of the packed residual stream `scratch.hidden` [T, h] into
    /// `scratch.context` [T, h]. Each sequence attends only to its own real tokens, with relative
    /// positions counted from its first token, which is HF's padded computation restricted to the
    /// real rows (masked scores get exactly zero probability there).
    func forward(tokens: Int, offsets: [Int], lengths: [Int], positions: RelativePositions?,
                 scratch: DebertaV2Scratch) {
        let h = heads * headSize, d = headSize
        let qkvRows = scratch.qkv.pointer      // [T, 3h]
        let context = scratch.context.pointer  // [T, h]
        let scores = scratch.scores.pointer    // [L, L]
        let c2p = scratch.contentToPosition.pointer  // [L, R]
        let p2c = scratch.positionToContent.pointer  // [L, R]
        qkv.forward(scratch.hidden.pointer, rows: tokens, into: qkvRows)

        for (offset, length) in zip(offsets, lengths) {
            let base = qkvRows + offset * 3 * h
            // The relative-embedding rows this length reads (a contiguous band of the 2·span table).
            let bands = positions?.rowRanges(length: length)
            for head in 0..<heads {
                let q = base + head * d, k = base + h + head * d, v = base + 2 * h + head * d
                // scores [L, L] = scale · Q [L, d] · Kᵀ [d, L]
                BLAS.gemm(.none, .transposed, m: length, n: length, k: d, alpha: scale,
                          a: q, lda: 3 * h, b: k, ldb: 3 * h, c: scores, ldc: length)
                if let positions, let bands {
                    if let keys = positionKeys {
                        // c2p [L, R] = scale · Q [L, d] · pk[band, head]ᵀ [d, R]
                        let band = bands.contentToPosition
                        BLAS.gemm(.none, .transposed, m: length, n: band.count, k: d, alpha: scale,
                                  a: q, lda: 3 * h, b: keys.pointer + band.lowerBound * h + head * d, ldb: h,
                                  c: c2p, ldc: band.count)
                        positions.addContentToPosition(c2p, columns: band.count, firstRow: band.lowerBound,
                                                       length: length, into: scores)
                    }
                    if let queries = positionQueries {
                        // p2c [L, R] = scale · K [L, d] · pq[band, head]ᵀ [d, R]
                        let band = bands.positionToContent
                        BLAS.gemm(.none, .transposed, m: length, n: band.count, k: d, alpha: scale,
                                  a: k, lda: 3 * h, b: queries.pointer + band.lowerBound * h + head * d, ldb: h,
                                  c: p2c, ldc: band.count)
                        positions.addPositionToContent(p2c, columns: band.count, firstRow: band.lowerBound,
                                                       length: length, into: scores)
                    }
                }
                Kernels.softmax(scores, rows: length, cols: length, validCount: length)
                // context[offset…, head] [L, d] = P [L, L] · V [L, d]
                BLAS.gemm(.none, .none, m: length, n: d, k: length,
                          a: scores, lda: length, b: v, ldb: 3 * h,
                          c: context + offset * h + head * d, ldc: h)
            }
        }
    }
}
