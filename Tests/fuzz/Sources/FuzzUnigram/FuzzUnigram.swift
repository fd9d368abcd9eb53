// libFuzzer target: the Unigram tokenizers (SentencePiece-style, precompiled charsmap normalizer, Metaspace
// pre-tokenizer) from tokenizer.json, with and without byte fallback.
//
// Input: UTF-8 text (ill-formed sequences become U+FFFD, as in a validated request); after a NUL byte, the pair
// text; the last byte picks the truncation length. See FuzzSupport.exercise for the checks.
import FuzzSupport
import Tokenizers

private let tokenizers: [(name: String, tokenizer: Tokenizer)] = [
    "Models/fixtures/tokenizers/unigram.json",
    "Models/fixtures/tokenizers/unigram-bytefallback.json",
].map { ($0, FuzzSupport.tokenizer($0)) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnigram(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let (text, pair, maxLength) = FuzzSupport.tokenizerInput(start, count)
    for (name, tokenizer) in tokenizers {
        FuzzSupport.exercise(tokenizer, text: text, pair: pair, maxLength: maxLength, name: name)
    }
    return 0
}
