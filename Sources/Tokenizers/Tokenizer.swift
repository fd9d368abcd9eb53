import Foundation

/// A Hugging Face `tokenizer.json` pipeline: added tokens, normalizer, pre-tokenizer, model (WordPiece or
/// Unigram), truncation and post-processor, producing the same ids as HF tokenizers 0.22.
///
/// Components: normalizers BertNormalizer, Precompiled (SentencePiece charsmap), Sequence, NFC/NFD/NFKC/NFKD,
/// Lowercase, StripAccents, Strip, Replace, Prepend; pre-tokenizers BertPreTokenizer, Metaspace, Whitespace,
/// WhitespaceSplit, Punctuation, Sequence; models WordPiece, Unigram; post-processors TemplateProcessing,
/// BertProcessing, RobertaProcessing. Anything else is a load error naming the file and component.
/// The file's own `truncation` section is ignored (pass `maxLength`); of `padding` only `pad_id` is read.
///
/// Known differences from HF tokenizers, all outside ordinary text: characters assigned in recent Unicode
/// versions can be normalized (NFC/NFKC, lowercase) or grapheme-clustered differently, because Swift's Unicode
/// tables are newer than the Rust crates'; the BERT and regex character classes are copied from the library
/// (`UnicodeTables`) and do match.
///
/// Immutable after loading, so `encode` may be called from any number of threads at once.
public final class Tokenizer: Sendable {
    private let addedVocabulary: AddedVocabulary
    private let normalizer: (any Normalizer)?
    private let preTokenizer: (any PreTokenizer)?
    private let model: any TokenizationModel
    private let postProcessor: any PostProcessor
    private let addedTokensByID: [Int32: String]

    /// The padding id: `padding.pad_id` when the file configures padding, else the id of `[PAD]` or `<pad>`, else 0.
    public let padTokenID: Int32

    /// Loads a `tokenizer.json`.
    /// - Throws: `TokenizerError` naming the file, the component and the field when the file is unreadable,
    ///   malformed, or uses a component this port does not implement.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: "\(error.localizedDescription)")
        }
        try self.init(data: data, path: url.path)
    }

    /// Loads a `tokenizer.json` from memory; `path` names it in errors.
    public init(data: Data, path: String = "tokenizer.json") throws {
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw TokenizerError.malformedJSON(path: path, reason: error.description)
        }
        guard case .object = document else {
            throw TokenizerError.malformedJSON(path: path, reason: "the top level is not an object")
        }
        let root = try JSONComponent(document, path: path, component: "tokenizer")
        let normalizer = root.has("normalizer")
            ? try makeNormalizer(root.object("normalizer", component: "normalizer")) : nil
        self.normalizer = normalizer
        preTokenizer = root.has("pre_tokenizer")
            ? try makePreTokenizer(root.object("pre_tokenizer", component: "pre_tokenizer")) : nil
        model = try makeModel(root.object("model", component: "model"))
        postProcessor = root.has("post_processor")
            ? try makePostProcessor(root.object("post_processor", component: "post_processor")) : PlainPostProcessor()
        let added = root.has("added_tokens") ? try root.array("added_tokens") : []
        addedVocabulary = try AddedVocabulary(added, path: path, normalizer: normalizer)
        var byID: [Int32: String] = [:]
        for token in addedVocabulary.tokens {
            byID[token.id] = ScalarText.string(token.content)
        }
        addedTokensByID = byID

        if root.has("padding"), let padID = try root.object("padding", component: "padding").optionalInt("pad_id"),
           let padID32 = Int32(exactly: padID) {
            padTokenID = padID32
        } else {
            padTokenID = Self.lookUp("[PAD]", added: addedVocabulary, model: model)
                ?? Self.lookUp("<pad>", added: addedVocabulary, model: model) ?? 0
        }
    }

    private static func lookUp(_ token: String, added: AddedVocabulary, model: any TokenizationModel) -> Int32? {
        added.id(of: token) ?? model.id(forToken: token)
    }

    /// Full pipeline: normalize, pre-tokenize, model, truncate, post-process (special tokens, type ids).
    ///
    /// `maxLength` counts the special tokens too. As in HF tokenizers, a `maxLength` smaller than the number of
    /// special tokens the template adds disables truncation.
    public func encode(_ text: String, pair: String? = nil, addSpecialTokens: Bool = true,
                       maxLength: Int? = nil, truncation: TruncationStrategy = .longestFirst) -> Encoding {
        var first = tokenize(text)
        var second = pair.map(tokenize)
        var isTruncated = false
        if let maxLength {
            let added = addSpecialTokens ? specialTokenCount(isPair: second != nil) : 0
            // tokenizers computes `max_length - added` in usize; below zero it wraps and nothing is cut.
            if maxLength >= added {
                isTruncated = Truncation.truncate(&first, &second, maxLength: maxLength - added, strategy: truncation)
            }
        }
        let processed = postProcessor.process(first, second, addSpecialTokens: addSpecialTokens)
        return Encoding(ids: processed.ids, typeIds: processed.typeIds, isTruncated: isTruncated)
    }

    /// Token ids of `text` with no special tokens and no truncation (the scorer builds sliding windows from these).
    public func tokenize(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        let tracksStart = preTokenizer?.tracksStart ?? false
        for segment in addedVocabulary.segments(of: text, normalizer: normalizer, tracksStart: tracksStart) {
            switch segment {
            case let .token(id, _):
                ids.append(id)
            case let .text(piece):
                let words = preTokenizer?.split(piece) ?? (piece.scalars.isEmpty ? [] : [piece])
                for word in words {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(word.scalars.count)
                    for scalar in word.scalars { ScalarText.utf8(scalar, into: &bytes) }
                    model.tokenize(bytes, into: &ids)
                }
            }
        }
        return ids
    }

    /// `tokenize`, plus each token's span in `text`, in Unicode scalars (code points: Python string indices,
    /// JavaScript `Array.from(text)` indices). The ids are exactly `tokenize(text)`'s.
    ///
    /// WordPiece tokens get the characters they matched (`##ing` its last three); Unigram and BPE tokens the whole
    /// pre-tokenized word they belong to; an added token its match. Normalization is tracked through every
    /// normalizer; where a normalizer's output cannot be attributed to its input piece by piece (a multi-character
    /// `Replace` pattern, say), spans inside that stretch are spread evenly over it and so are approximate.
    public func tokenizeWithOffsets(_ text: String) -> (ids: [Int32], offsets: [Range<Int>]) {
        var ids: [Int32] = []
        var offsets: [Range<Int>] = []
        let tracksStart = preTokenizer?.tracksStart ?? false
        for (segment, origins) in addedVocabulary.alignedSegments(of: text, normalizer: normalizer,
                                                                   tracksStart: tracksStart) {
            switch segment {
            case let .token(id, range):
                ids.append(id)
                offsets.append(origins?.origin(of: range) ?? range)
            case let .text(piece):
                let words = preTokenizer?.splitAligned(piece)
                    ?? (piece.scalars.isEmpty ? [] : [AlignedWord(word: piece, origins: Array(piece.scalars.indices))])
                for word in words {
                    var bytes: [UInt8] = []
                    var scalarOfByte: [Int] = []  // index in the word of the scalar each byte encodes
                    bytes.reserveCapacity(word.word.scalars.count)
                    for (index, scalar) in word.word.scalars.enumerated() {
                        ScalarText.utf8(scalar, into: &bytes)
                        scalarOfByte += repeatElement(index, count: bytes.count - scalarOfByte.count)
                    }
                    var byteRanges: [Range<Int>] = []
                    model.tokenize(bytes, into: &ids, byteRanges: &byteRanges)
                    for range in byteRanges {
                        let scalars = range.isEmpty ? word.origins[...] : word.origins[
                            scalarOfByte[range.lowerBound] ... scalarOfByte[range.upperBound - 1]]
                        let span = (scalars.min() ?? 0) ..< (scalars.max() ?? -1) + 1
                        offsets.append(origins?.origin(of: span) ?? span)
                    }
                }
            }
        }
        return (ids, offsets)
    }

    /// Adds special tokens and type ids to already-tokenized sequences (the post-processor template).
    public func postProcess(_ first: [Int32], pair: [Int32]?) -> Encoding {
        let processed = postProcessor.process(first, pair, addSpecialTokens: true)
        return Encoding(ids: processed.ids, typeIds: processed.typeIds, isTruncated: false)
    }

    /// How many special tokens the template adds for a single text or a pair.
    public func specialTokenCount(isPair: Bool) -> Int {
        postProcessor.addedTokenCount(isPair: isPair)
    }

    /// The id of a vocabulary or added token, compared byte for byte.
    public func id(forToken token: String) -> Int32? {
        Self.lookUp(token, added: addedVocabulary, model: model)
    }

    /// The token string of an id (for debugging and logs).
    public func token(forID id: Int32) -> String? {
        addedTokensByID[id] ?? model.token(forID: id)
    }

    /// Token strings of `ids`, joined by spaces, unknown ids as `<id>` (for debugging).
    public func describe(_ ids: [Int32]) -> String {
        ids.map { token(forID: $0) ?? "<\($0)>" }.joined(separator: " ")
    }
}
