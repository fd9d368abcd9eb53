// libFuzzer target: the GGUF parser (GGUFFile: header, metadata values, tensor table) and the tensor reads that
// trust it.
//
// Input: a whole .gguf file. Opening must either throw a ModelIOError or give tensors that lie inside the file;
// every metadata accessor and every tensor read (quantized matrix, dequantized fp32) must then answer or throw.
import Foundation
import FuzzSupport
import ModelIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let url = FuzzSupport.scratchFile(start, count, suffix: ".gguf")
    guard let file = try? GGUFFile(url: url) else { return 0 }
    for key in file.metadata.keys.sorted() {
        _ = try? file.int(key)
        _ = try? file.double(key)
        _ = try? file.string(key)
        _ = try? file.strings(key)
        _ = try? file.ints(key)
    }
    for info in file.tensors {
        precondition(file.info(info.name) != nil, "tensor '\(info.name)' is listed but not indexed")
        precondition(file.dataOffset + info.offset + info.byteCount <= count, "tensor '\(info.name)' ends past the file")
        precondition(file.rawBytes(of: info).count == info.byteCount, "'\(info.name)': raw bytes of the wrong size")
        _ = info.elementCount
        _ = try? file.matrix(info.name)
        _ = try? file.dequantized(info.name)
    }
    return 0
}
