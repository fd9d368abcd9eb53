import Foundation

/// A contiguous, row-major fp32 tensor.
///
/// Storage is either owned (allocated 64-byte aligned, so SIMD loads and BLAS packing start on a
/// cache line) or borrowed from another object (for example a memory-mapped safetensors file) that
/// the tensor keeps alive. A `Tensor` has reference semantics; it is not synchronised, so one owner
/// at a time may write to it.
public final class Tensor: @unchecked Sendable {
    /// Alignment of owned storage, in bytes (one x86-64 cache line; also the AVX-512 vector width).
    public static let alignment = 64

    /// The extent of each dimension, outermost first.
    public let shape: [Int]
    /// The number of elements (product of `shape`).
    public let count: Int
    /// The elements, row-major.
    public let storage: UnsafeMutableBufferPointer<Float>

    private let ownsStorage: Bool
    private let owner: AnyObject?

    /// Creates a zero-filled tensor with owned, aligned storage.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let (storage, zeroed) = Tensor.allocateAligned(count: count)
        self.storage = storage
        if !zeroed { storage.initialize(repeating: 0) }
        self.ownsStorage = true
        self.owner = nil
    }

    /// Creates a tensor by copying `values`, which must hold exactly `shape.reduce(1, *)` elements.
    public convenience init(shape: [Int], values: [Float]) throws {
        let expected = shape.reduce(1, *)
        guard values.count == expected, shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.elementCountMismatch(shape: shape, count: values.count)
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, expected > 0 else { return }
            storage.baseAddress!.update(from: base, count: expected)
        }
    }

    /// Wraps memory owned by `owner` without copying. `owner` is retained for the tensor's lifetime.
    ///
    /// The memory must stay valid and writable-or-copy-on-write while `owner` lives.
    public init(shape: [Int], borrowing pointer: UnsafeMutablePointer<Float>, owner: AnyObject) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = UnsafeMutableBufferPointer(start: pointer, count: count)
        self.ownsStorage = false
        self.owner = owner
    }

    deinit {
        if ownsStorage, let base = storage.baseAddress {
            Tensor.deallocateAligned(UnsafeMutableBufferPointer(start: base, count: count))
        }
    }

    /// The first element's address. Valid while the tensor lives.
    @inline(__always)
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress! }

    /// Whether the storage is owned (allocated by this tensor) rather than borrowed.
    public var isOwned: Bool { ownsStorage }

    /// A copy of the elements as an array.
    public func toArray() -> [Float] { Array(storage) }

    /// Allocates `count` floats (at least one, so the base address is never nil) aligned to `alignment`
    /// (large blocks are mapped, see `AlignedMemory`); `zeroed` when the memory is already zero.
    /// Release with `deallocateAligned`.
    static func allocateAligned(count: Int) -> (storage: UnsafeMutableBufferPointer<Float>, zeroed: Bool) {
        let (raw, zeroed) = AlignedMemory.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: alignment)
        let typed = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        return (UnsafeMutableBufferPointer(start: typed, count: count), zeroed)
    }

    /// Releases storage from `allocateAligned` (the buffer's count must be the allocated count).
    static func deallocateAligned(_ storage: UnsafeMutableBufferPointer<Float>) {
        AlignedMemory.deallocate(UnsafeMutableRawPointer(storage.baseAddress!),
                                 byteCount: max(storage.count, 1) * MemoryLayout<Float>.stride)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(shape: \(shape))" }
}
