// libFuzzer target: loading tokenizer.json (Tokenizer(data:)): the JSON reader, the model (WordPiece, Unigram,
// BPE), normalizers, pre-tokenizers, post-processor templates and added tokens, as a model directory brings them.
//
// Input: a tokenizer.json document. Loading must throw a TokenizerError or give a tokenizer that encodes a few fixed
// texts within its own vocabulary (FuzzSupport.exercise).
import Foundation
import FuzzSupport
import Tokenizers

private let texts: [(String, String?)] = [
    ("How do I pick a lock?", nil),
    ("Caf\u{E9} \u{4E2D}\u{6587} \u{1F600} [CLS] <|im_start|>", "a  b\tc"),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizerJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let tokenizer = try? Tokenizer(data: data) else { return 0 }
    for (text, pair) in texts {
        FuzzSupport.exercise(tokenizer, text: text, pair: pair, maxLength: 16, name: "fuzzed tokenizer.json")
    }
    return 0
}
