import Tensor

/// Feed-forward activations, by their Hugging Face `hidden_act` names.
public enum Activation: Sendable, Equatable {
    /// Exact erf GELU (`"gelu"`, PyTorch's default `F.gelu`).
    case gelu
    /// tanh-approximated GELU (`"gelu_new"`, `"gelu_pytorch_tanh"`, `"gelu_fast"`).
    case geluTanh
    case relu

    /// Maps a config's `hidden_act`, or nil when unsupported.
    public init?(huggingFaceName name: String) {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast": self = .geluTanh
        case "relu": self = .relu
        default: return nil
        }
    }

    /// Applies the activation in place to `count` floats.
    @inline(__always)
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .gelu: Kernels.gelu(x, count: count)
        case .geluTanh: Kernels.geluTanh(x, count: count)
        case .relu: Kernels.relu(x, count: count)
        }
    }
}
