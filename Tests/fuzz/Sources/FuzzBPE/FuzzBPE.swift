// libFuzzer target: the byte-level BPE tokenizer (GPT-2 regex split + ByteLevel, as SmolLM2/Llama use) from
// tokenizer.json, and its byte-level decoder.
//
// Input: UTF-8 text (ill-formed sequences become U+FFFD, as in a validated request); after a NUL byte, the pair
// text; the last byte picks the truncation length. Beyond FuzzSupport.exercise: byte-level BPE is lossless, so
// decoding the ids must give the text back, and the streaming decoder must agree with it.
import FuzzSupport
import Tokenizers

private let name = "Models/fixtures/llama/bpe.json"
private let tokenizer = FuzzSupport.tokenizer(name)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPE(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (text, pair, maxLength) = FuzzSupport.tokenizerInput(start, count)
    FuzzSupport.exercise(tokenizer, text: text, pair: pair, maxLength: maxLength, name: name)
    let ids = tokenizer.tokenize(text)
    let decoded = tokenizer.decodeByteLevel(ids)
    precondition(decoded == text, "round trip: \(text.debugDescription) decoded as \(decoded.debugDescription)")
    var streaming = ByteLevelDecoder(tokenizer: tokenizer)
    let pieces = ids.map { streaming.append($0) }.joined() + streaming.finish()
    precondition(pieces == decoded, "streaming decode \(pieces.debugDescription) vs \(decoded.debugDescription)")
    return 0
}
