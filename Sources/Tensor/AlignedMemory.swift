#if canImport(Glibc)
import Glibc
#endif

/// Aligned storage for tensors, packed weights and scratch.
///
/// Blocks of at least `mappingThreshold` bytes are private anonymous mappings, unmapped on release,
/// so a large buffer freed after load (the fp32 conversion of an fp16 weight, once packed) goes back
/// to the kernel. Through malloc it would not: glibc raises its mmap threshold to the size of each
/// freed mapped chunk, later chunks of that size come from the heap, and freed heap memory stays
/// resident (22 MB of the default model's 145 MB RSS after /ready). Mappings are page aligned, which
/// covers every alignment the kernels need, and arrive zero-filled.
enum AlignedMemory {
    /// Blocks this large or larger are mapped (1 MiB: 256 K floats, well above per-call scratch).
    static let mappingThreshold = 1 << 20

    /// Allocates `byteCount` bytes (at least 1) aligned to `alignment` (≤ the page size).
    /// `zeroed` is true when the memory is known to be zero-filled (a fresh mapping).
    static func allocate(byteCount: Int, alignment: Int) -> (pointer: UnsafeMutableRawPointer, zeroed: Bool) {
        let bytes = max(byteCount, 1)
        if bytes >= mappingThreshold {
            // Out of memory traps here as it does in `UnsafeMutableRawPointer.allocate`.
            guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  address != MAP_FAILED else {
                fatalError("AlignedMemory: mmap of \(bytes) bytes failed: out of memory")
            }
            return (address, true)
        }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment), false)
    }

    /// Releases a block from `allocate`; `byteCount` must be the count it was allocated with.
    static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let bytes = max(byteCount, 1)
        if bytes >= mappingThreshold {
            munmap(pointer, bytes)
        } else {
            pointer.deallocate()
        }
    }
}
