import ModelIO
import Tensor

/// A LayerNorm's affine parameters, bound from `<prefix>.weight`/`.bias` (or the TF-era
/// `<prefix>.gamma`/`.beta` names older BERT checkpoints use).
struct LayerNormWeights: @unchecked Sendable {
    let gamma: Tensor  // [hidden]
    let beta: Tensor   // [hidden]
    let epsilon: Float

    init(prefix: String, size: Int, epsilon: Float, weights: WeightStore) throws {
        let gammaKey = weights.firstKey(among: ["\(prefix).weight", "\(prefix).gamma"]) ?? "\(prefix).weight"
        let betaKey = weights.firstKey(among: ["\(prefix).bias", "\(prefix).beta"]) ?? "\(prefix).bias"
        gamma = try weights.tensor(gammaKey, shape: [size])
        beta = try weights.tensor(betaKey, shape: [size])
        self.epsilon = epsilon
    }

    /// Normalises x [rows, size] in place.
    @inline(__always)
    func apply(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        Kernels.layerNorm(x, rows: rows, cols: gamma.count, gamma: gamma.pointer, beta: beta.pointer, epsilon: epsilon)
    }
}
