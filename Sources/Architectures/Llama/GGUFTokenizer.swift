import Foundation
import ModelIO
import Tokenizers

/// Builds a `Tokenizer` from a GGUF's embedded vocabulary (llama.cpp `tokenizer.ggml.*`), by writing the
/// equivalent tokenizer.json in memory. Only byte-level BPE (`tokenizer.ggml.model` "gpt2") is supported.
///
/// Pre-tokenization follows `tokenizer.ggml.pre` as llama.cpp's llama-vocab.cpp does: "gpt-2" and "default"
/// use the GPT-2 regex; "smollm" (and "starcoder", "refact") first isolate each digit (`\p{N}`).
/// Tokens of type 3 (control) and 4 (user-defined) are added tokens matched before the model, as in HF.
public enum GGUFTokenizer {
    public static func make(from file: GGUFFile) throws -> Tokenizer {
        let model = try file.string("tokenizer.ggml.model") ?? "(missing)"
        guard model == "gpt2" else {
            throw ModelIOError.invalidMetadata(file: file.path, key: "tokenizer.ggml.model",
                                               detail: "'\(model)' is not supported (only byte-level BPE 'gpt2')")
        }
        guard let tokens = try file.strings("tokenizer.ggml.tokens") else {
            throw ModelIOError.invalidMetadata(file: file.path, key: "tokenizer.ggml.tokens", detail: "missing")
        }
        let merges = try file.strings("tokenizer.ggml.merges") ?? []
        let types = try file.ints("tokenizer.ggml.token_type") ?? []
        let pre = try file.string("tokenizer.ggml.pre") ?? "default"
        let byteLevel: [String: Any] = ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": true]
        let preTokenizer: [String: Any]
        switch pre {
        case "gpt-2", "default", "gpt2":
            preTokenizer = byteLevel
        case "smollm", "starcoder", "refact":
            preTokenizer = ["type": "Sequence", "pretokenizers": [["type": "Digits", "individual_digits": true], byteLevel]]
        default:
            throw ModelIOError.invalidMetadata(file: file.path, key: "tokenizer.ggml.pre", detail: "pre-tokenizer '\(pre)' is not supported")
        }
        var vocab: [String: Int] = [:]
        for (id, token) in tokens.enumerated() where vocab[token] == nil { vocab[token] = id }
        let added: [[String: Any]] = tokens.indices.filter { $0 < types.count && (types[$0] == 3 || types[$0] == 4) }.map {
            ["id": $0, "content": tokens[$0], "single_word": false, "lstrip": false, "rstrip": false,
             "normalized": false, "special": types[$0] == 3]
        }
        let document: [String: Any] = [
            "version": "1.0", "added_tokens": added, "pre_tokenizer": preTokenizer,
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocab, "merges": merges, "ignore_merges": false, "byte_fallback": false],
        ]
        let data = try JSONSerialization.data(withJSONObject: document)
        return try Tokenizer(data: data, path: file.path + " (tokenizer.ggml.*)")
    }

    /// Special ids from `tokenizer.ggml.{bos,eos,padding}_token_id`.
    public static func specialIDs(of file: GGUFFile) throws -> (bos: Int32?, eos: Int32?, pad: Int32?) {
        (try file.int("tokenizer.ggml.bos_token_id").map(Int32.init),
         try file.int("tokenizer.ggml.eos_token_id").map(Int32.init),
         try file.int("tokenizer.ggml.padding_token_id").map(Int32.init))
    }
}
