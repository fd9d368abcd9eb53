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
        let (storage, zeroed) = Tensor.allocateAligned(count: capacity)
        if !zeroed { storage.initialize(repeating: 0) }
        self.storage = storage
    }

    deinit { Tensor.deallocateAligned(storage) }

    /// Ensures room for `count` floats and returns the (aligned) base address.
    @discardableResult
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > storage.count {
            Tensor.deallocateAligned(storage)
            // Grow by at least 1.5x so slowly increasing batch sizes do not reallocate every call.
            let (grown, zeroed) = Tensor.allocateAligned(count: max(count, storage.count + storage.count / 2))
            if !zeroed { grown.initialize(repeating: 0) }
            storage = grown
        }
        return storage.baseAddress!
    }

    /// The base address (valid until the next growing `reserve`).
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress! }
}
