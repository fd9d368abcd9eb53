// libFuzzer target: the WordPiece tokenizers (BERT normalizer + pre-tokenizer) from tokenizer.json — the shipped
// default model's, and the fixtures with the whitespace pre-tokenizer and the NFKC normalizer.
//
// Input: UTF-8 text (ill-formed sequences become U+FFFD, as in a validated request); after a NUL byte, the pair
// text; the last byte picks the truncation length. See FuzzSupport.exercise for the checks.
import FuzzSupport
import Tokenizers

private let tokenizers: [(name: String, tokenizer: Tokenizer)] = [
    "Models/rampart-guard-minilm/tokenizer.json",
    "Models/fixtures/tokenizers/wordpiece-whitespace.json",
    "Models/fixtures/tokenizers/wordpiece-nfkc.json",
].map { ($0, FuzzSupport.tokenizer($0)) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWordPiece(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (text, pair, maxLength) = FuzzSupport.tokenizerInput(start, count)
    for (name, tokenizer) in tokenizers {
        FuzzSupport.exercise(tokenizer, text: text, pair: pair, maxLength: maxLength, name: name)
    }
    return 0
}
