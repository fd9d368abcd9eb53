import CZlib
import Foundation

/// gzip (RFC 1952) compression and size-capped decompression on zlib.
public enum GzipCodec {
    /// Why a gzip body could not be decoded.
    public enum Failure: Error, Equatable, Sendable {
        /// The decompressed size would exceed the cap (a gzip bomb, or just too large).
        case exceedsLimit(Int)
        /// Not a valid gzip stream (zlib's message, or "truncated").
        case corrupt(String)
    }

    /// Compresses `data` into one gzip member at `level` (1 fastest … 9 smallest).
    public static func compress(_ data: Data, level: Int32 = 6) -> Data {
        var stream = z_stream()
        // deflateInit2 fails only on bad parameters or out of memory: an internal invariant here.
        precondition(czlib_deflate_init_gzip(&stream, level) == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = Data(count: bound)
        let produced = data.withUnsafeBytes { input -> Int in
            output.withUnsafeMutableBytes { out -> Int in
                stream.next_in = UnsafeMutablePointer(
                    mutating: input.bindMemory(to: Bytef.self).baseAddress ?? UnsafePointer(bitPattern: 1)!)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                // deflateBound guarantees a single Z_FINISH call completes.
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate with deflateBound output did not finish: \(status)")
                return out.count - Int(stream.avail_out)
            }
        }
        output.count = produced
        return output
    }

    /// Decompresses a gzip body (several concatenated members allowed, RFC 1952 §2.2), failing
    /// as soon as the output would pass `limit` bytes — memory stays bounded by the cap, whatever
    /// the compression ratio.
    public static func decompress(_ data: Data, limit: Int) throws(Failure) -> Data {
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else { throw .corrupt("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let result: Failure? = data.withUnsafeBytes { input -> Failure? in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress, input.count > 0 else {
                return .corrupt("empty gzip body")
            }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                if produced > 0 {
                    guard output.count + produced <= limit else { return .exceedsLimit(limit) }
                    output.append(contentsOf: chunk[0..<produced])
                }
                switch status {
                case Z_STREAM_END:
                    // Another member may follow; trailing zero padding is tolerated like gzip(1) does.
                    if stream.avail_in == 0 { return nil }
                    let rest = UnsafeBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                    if rest.allSatisfy({ $0 == 0 }) { return nil }
                    guard inflateReset(&stream) == Z_OK else { return .corrupt("inflateReset failed") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: the input ended inside the stream.
                    if stream.avail_in == 0 { return .corrupt("truncated gzip stream") }
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    return .corrupt(message)
                }
            }
        }
        if let result { throw result }
        return output
    }
}
