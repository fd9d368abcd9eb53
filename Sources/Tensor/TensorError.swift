/// Errors raised by the Tensor target.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// A tensor was built from a value array whose length does not match its shape.
    case elementCountMismatch(shape: [Int], count: Int)
    /// An operation was given tensors whose shapes do not fit together.
    case shapeMismatch(operation: String, expected: [Int], actual: [Int])

    public var description: String {
        switch self {
        case let .elementCountMismatch(shape, count):
            return "tensor of shape \(shape) needs \(shape.reduce(1, *)) elements, got \(count)"
        case let .shapeMismatch(operation, expected, actual):
            return "\(operation): expected shape \(expected), got \(actual)"
        }
    }
}
