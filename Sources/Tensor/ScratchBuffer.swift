/// A growable, 64-byte-aligned fp32 work buffer, reused across forward passes.
///
/// `reserve(_:)` reallocates when a larger size is requested, so a steady stream of batches of
/// similar size allocates nothing after the first. It also gives memory back after a spike: when
/// every request of the last `shrinkWindow` reserves needed less than half the capacity, the buffer
/// shrinks to the largest of them (buffers under `minimumShrinkBytes` are left alone). One long
/// request therefore costs its memory for a few dozen passes, not for the life of the process.
/// Contents are not preserved when the buffer reallocates.
public final class ScratchBuffer: @unchecked Sendable {
    /// Reserves observed before a shrink is considered.
    public static let shrinkWindow = 32
    /// Buffers smaller than this never shrink (reallocating them saves nothing worth the churn).
    public static let minimumShrinkBytes = 1 << 20

    private var storage: UnsafeMutableBufferPointer<Float>
    /// Reserves and the largest request since the window began.
    private var windowCount = 0
    private var windowPeak = 0

    /// The number of floats the buffer can hold without reallocating.
    public var capacity: Int { storage.count }

    /// Creates a buffer holding `capacity` floats (zero-filled).
    public init(capacity: Int = 0) {
        storage = Self.allocate(capacity)
    }

    deinit { Tensor.deallocateAligned(storage) }

    /// Ensures room for `count` floats and returns the (aligned) base address, valid until the next
    /// `reserve` of this buffer.
    @discardableResult
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        windowPeak = max(windowPeak, count)
        windowCount += 1
        if count > storage.count {
            // Grow by at least 1.5x so slowly increasing batch sizes do not reallocate every call.
            replaceStorage(capacity: max(count, storage.count + storage.count / 2))
        } else if windowCount >= Self.shrinkWindow {
            if storage.count * MemoryLayout<Float>.stride >= Self.minimumShrinkBytes, windowPeak * 2 < storage.count {
                replaceStorage(capacity: windowPeak)
            }
            windowCount = 0
            windowPeak = 0
        }
        return storage.baseAddress!
    }

    /// The base address (valid until the next `reserve` that reallocates).
    public var pointer: UnsafeMutablePointer<Float> { storage.baseAddress! }

    private func replaceStorage(capacity: Int) {
        Tensor.deallocateAligned(storage)
        storage = Self.allocate(capacity)
    }

    private static func allocate(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        let (storage, zeroed) = Tensor.allocateAligned(count: count)
        if !zeroed { storage.initialize(repeating: 0) }
        return storage
    }
}
