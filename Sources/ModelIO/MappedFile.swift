import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read/write copy-on-write (MAP_PRIVATE): tensors can borrow its bytes
/// zero-copy and even be written to without touching the file. Unmapped when released.
public final class MappedFile: @unchecked Sendable {
    /// The file's path (used in error messages).
    public let path: String
    /// The mapped bytes; `count` is the file size.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file at `url`. An empty file maps to an empty buffer.
    public init(url: URL) throws {
        path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ModelIOError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelIOError.cannotOpen(file: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else {
            throw ModelIOError.cannotOpen(file: path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Drops this process's resident pages wholly inside `range` (byte offsets into the file) once
    /// their contents have been copied out, e.g. an fp16 weight converted to fp32: the mapping stays
    /// valid and a later read faults the page in again from the file.
    ///
    /// Only for ranges nobody has written through the mapping: on this private mapping MADV_DONTNEED
    /// discards written (copy-on-write) pages, and a later read sees the file's bytes again.
    public func discardPages(in range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.upperBound) / page * page
        guard end > start else { return }
        madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
