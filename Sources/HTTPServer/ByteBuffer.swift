import Foundation

/// A growable byte buffer with separate read and write positions, owned by one connection on the
/// event loop. Reads go straight into its spare capacity; the parser reads from its readable bytes.
final class ByteBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private var readIndex = 0
    private var writeIndex = 0
    private let initialCapacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        initialCapacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var readableCount: Int { writeIndex - readIndex }
    var isEmpty: Bool { writeIndex == readIndex }

    /// The unread bytes. Valid until the next mutation.
    var readableBytes: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + readIndex, count: writeIndex - readIndex)
    }

    /// Drops `count` bytes from the front.
    func consume(_ count: Int) {
        readIndex += count
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    /// Makes room for at least `count` more bytes (compacting first, growing if needed) and returns
    /// the writable region; call `didWrite` with what was filled.
    func reserveWritable(_ count: Int) -> UnsafeMutableRawBufferPointer {
        if capacity - writeIndex < count {
            if readIndex > 0 {
                // Move the unread tail to the front before deciding to grow.
                let unread = writeIndex - readIndex
                storage.update(from: storage + readIndex, count: unread)
                readIndex = 0
                writeIndex = unread
            }
            if capacity - writeIndex < count {
                var newCapacity = capacity * 2
                while newCapacity - writeIndex < count { newCapacity *= 2 }
                let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                newStorage.update(from: storage, count: writeIndex)
                storage.deallocate()
                storage = newStorage
                capacity = newCapacity
            }
        }
        return UnsafeMutableRawBufferPointer(start: storage + writeIndex, count: capacity - writeIndex)
    }

    func didWrite(_ count: Int) { writeIndex += count }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let region = reserveWritable(bytes.count)
        region.copyMemory(from: bytes)
        writeIndex += bytes.count
    }

    func append(_ string: String) {
        var string = string
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func append(_ string: StaticString) {
        append(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }

    /// Appends `value` (non-negative) in decimal without allocating.
    func appendDecimal(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: enough for Int.max
        withUnsafeMutableBytes(of: &digits) { scratch in
            var remaining = value, index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            append(UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    func append(_ data: Data) {
        data.withUnsafeBytes { append($0) }
    }

    /// Returns memory to the initial size once a large burst (a big body) has been handled.
    func shrinkIfEmpty() {
        guard isEmpty, capacity > initialCapacity * 4 else { return }
        storage.deallocate()
        storage = .allocate(capacity: initialCapacity)
        capacity = initialCapacity
    }
}
