// libFuzzer target: the safetensors header parser (SafetensorsFile) and the tensor loads that trust it.
//
// Input: a whole .safetensors file (8-byte length, JSON header, data). Opening must either throw a ModelIOError or
// give entries that lie inside the file; every entry must then load (fp32 copy or zero-copy, row table) or throw.
import Foundation
import FuzzSupport
import ModelIO

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let url = FuzzSupport.scratchFile(start, count, suffix: ".safetensors")
    guard let file = try? SafetensorsFile(url: url) else { return 0 }
    for name in file.tensorNames {
        guard let entry = file.entries[name] else { fatalError("tensorNames lists '\(name)' without an entry") }
        precondition(entry.byteRange.upperBound <= count, "'\(name)' ends past the file")
        precondition(file.rawBytes(of: entry).count == entry.byteRange.count, "'\(name)': raw bytes of the wrong size")
        for zeroCopy in [true, false] {
            if let tensor = try? file.tensor(named: name, zeroCopy: zeroCopy) {
                precondition(tensor.shape == entry.shape, "'\(name)': loaded shape \(tensor.shape), header \(entry.shape)")
            }
            _ = try? file.rowTable(named: name, zeroCopy: zeroCopy)
        }
    }
    return 0
}
