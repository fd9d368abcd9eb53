// libFuzzer target: gzip request-body inflation with the body cap (GzipCodec.decompress).
//
// Input: a gzip body as it would arrive with `Content-Encoding: gzip`. The harness decompresses it under a small
// cap and under the server's default cap, and checks the contract: success means at most `limit` bytes, and the
// result survives a compress/decompress round trip.
import Foundation
import HTTPServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    for limit in [1024, 2 << 20] {
        do {
            let output = try GzipCodec.decompress(data, limit: limit)
            guard output.count <= limit else { fatalError("decompressed \(output.count) bytes past the cap \(limit)") }
            let again = try GzipCodec.decompress(GzipCodec.compress(output), limit: limit)
            guard again == output else { fatalError("compress/decompress round trip changed the bytes") }
        } catch {
            // .exceedsLimit and .corrupt are the expected answers (413 / 400).
        }
    }
    return 0
}
