/// A growable, 64-byte-aligned fp32 work buffer, reused across forward passes.
///
/// `reserve(_:)` only reallocates when a larger size is requested, so a steady stream of batches of
/// similar size allocates nothing after the first. Contents are not preserved across growth.
public final class ScratchBuffer: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Float>

    /// The number of floats the buffer can hold without reallocating.
    public var capacity: Int { storage.count }

    /// Creates a buffer holding `capacity` floats (zero-filled).
    public init(capacity: Int = 0) {
        storage = Tensor.allocateAligned(count: capacity)
        storage.initialize(repeating: 0)
    }

    deinit { UnsafeMutableRawPointer(storage.baseAddress!).deallocate() }

    /// Ensures room for `count` floats and returns the (aligned) base address.
    @discardableResult
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > storage.count {
            UnsafeMutableRawPointer(storage.baseAddress!).deallocate()
            // Grow by at least 1.5x so slowly increasing batch sizes do not reallocate every call.
            storage = Tensor.allocateAligned(count: max(count, storage.count + storage.count / 2))
            storage.initialize(repeating: 0)
        }
        return storage.baseAddress!
    }

    /// The base address (valid until the next growing `reserve`).
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress! }
}
