import Foundation
import Testing
@testable import Tokenizers

/// `tokenizeWithOffsets` against HF tokenizers' offsets (Models/fixtures/make_offset_fixtures.py): the same ids,
/// every WordPiece token's span equal to the one tokenizers reports, and every other token's span containing it
/// (Unigram and BPE spans are exact to the word).
@Suite struct TokenizerOffsetsTests {
    struct Row: Decodable {
        var text: String
        var ids: [Int32]
        var offsets: [[Int]]
    }

    static func rows(_ name: String) throws -> [Row] {
        try JSONDecoder().decode([Row].self, from: Data(contentsOf: Fixtures.url("offsets-\(name).json")))
    }

    /// Tokens whose tokenizers span lies outside Rampart's span, over all fixture texts.
    static func misses(_ name: String) throws -> (misses: Int, tokens: Int, examples: [String]) {
        let tokenizer = try Fixtures.tokenizer(name)
        var misses = 0
        var tokens = 0
        var examples: [String] = []
        for row in try rows(name) {
            let (ids, offsets) = tokenizer.tokenizeWithOffsets(row.text)
            #expect(ids == tokenizer.tokenize(row.text), "\(name): \(row.text.debugDescription)")
            #expect(ids == row.ids, "\(name): \(row.text.debugDescription)")
            #expect(offsets.count == ids.count)
            let scalarCount = row.text.unicodeScalars.count
            #expect(offsets.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= scalarCount })
            for (ours, theirs) in zip(offsets, row.offsets) where theirs[1] > theirs[0] {
                tokens += 1
                if !(ours.lowerBound <= theirs[0] && theirs[1] <= ours.upperBound) {
                    misses += 1
                    if examples.count < 5 { examples.append("\(row.text.debugDescription): \(ours) vs \(theirs)") }
                }
            }
        }
        return (misses, tokens, examples)
    }

    /// WordPiece pieces carry their own characters: the very spans tokenizers reports.
    @Test(arguments: ["minilm", "wordpiece"])
    func wordPieceSpansEqualTokenizersSpans(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var differences: [String] = []
        var tokens = 0
        for row in try Self.rows(name) {
            let offsets = tokenizer.tokenizeWithOffsets(row.text).offsets
            tokens += offsets.count
            // The grapheme cluster each scalar belongs to.
            var cluster: [Range<Int>] = []
            for character in row.text {
                let start = cluster.count
                let end = start + character.unicodeScalars.count
                cluster += repeatElement(start ..< end, count: end - start)
            }
            for (ours, theirs) in zip(offsets, row.offsets)
            where ours != theirs[0] ..< theirs[1] && theirs[1] > theirs[0] {
                // Normalization is attributed per grapheme cluster, so a span may keep the combining marks that
                // accent stripping removed, or a whole Devanagari conjunct, where tokenizers' spans stop short.
                let clusters = cluster[theirs[0]].lowerBound ..< cluster[theirs[1] - 1].upperBound
                let withinClusters = ours.lowerBound <= theirs[0] && theirs[1] <= ours.upperBound
                    && clusters.lowerBound <= ours.lowerBound && ours.upperBound <= clusters.upperBound
                if !withinClusters { differences.append("\(row.text.debugDescription): \(ours) vs \(theirs)") }
            }
        }
        #expect(tokens > 1000)
        #expect(differences.isEmpty, "\(differences.count) of \(tokens): \(differences.prefix(5))")
    }

    @Test(arguments: ["minilm", "wordpiece", "unigram", "unigram-bytefallback"])
    func spansContainTokenizersSpans(name: String) throws {
        let (misses, tokens, examples) = try Self.misses(name)
        #expect(tokens > 1000)
        #expect(misses == 0, "\(misses) of \(tokens): \(examples)")
    }

    /// Multi-character Replace patterns cannot be attributed scalar by scalar; spans there are spread evenly.
    @Test(arguments: ["wordpiece-nfkc", "wordpiece-whitespace"])
    func spansWithReplacePatternsAreMostlyExact(name: String) throws {
        let (misses, tokens, examples) = try Self.misses(name)
        #expect(tokens > 1000)
        #expect(Double(misses) <= 0.02 * Double(tokens), "\(misses) of \(tokens): \(examples)")
    }

    @Test func minilm_wordSpansAndAddedTokens() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        let text = "Héllo, 世界! [SEP] tokenization"
        let (ids, offsets) = tokenizer.tokenizeWithOffsets(text)
        let scalars = Array(text.unicodeScalars)
        let pieces = offsets.map { String(String.UnicodeScalarView(scalars[$0])) }
        #expect(ids == tokenizer.tokenize(text))
        // "tokenization" is two WordPiece tokens (token ##ization), each with its own characters.
        #expect(pieces == ["Héllo", ",", "世", "界", "!", "[SEP]", "token", "ization"])
        #expect(ids.count == 8)
    }

    @Test func normalizerAlignment_stripPrependAndFallback() {
        let text = Array("  ab c ".unicodeScalars)
        let strip = StripNormalizer(stripsLeft: true, stripsRight: true).normalizeAligned(text)
        #expect(strip.scalars == Array("ab c".unicodeScalars))
        #expect(strip.origins == [2 ..< 3, 3 ..< 4, 4 ..< 5, 5 ..< 6])
        let prepend = PrependNormalizer(prefix: ["_"]).normalizeAligned(Array("ab".unicodeScalars))
        #expect(prepend.origins == [0 ..< 1, 0 ..< 1, 1 ..< 2])
        let sequence = SequenceNormalizer(normalizers: [StripNormalizer(stripsLeft: true, stripsRight: true),
                                                        PrependNormalizer(prefix: ["_"])]).normalizeAligned(text)
        #expect(sequence.scalars == Array("_ab c".unicodeScalars))
        #expect(sequence.origins == [2 ..< 3, 2 ..< 3, 3 ..< 4, 4 ..< 5, 5 ..< 6])
        let spread = AlignedScalars(scalars: ["x", "y"], origins: [0 ..< 2, 2 ..< 4])
        #expect(spread.origin(of: 0 ..< 2) == 0 ..< 4)
    }

    @Test func bertNormalizer_alignsAccentsAndIdeographs() {
        let normalizer = BertNormalizer(cleansText: true, handlesChineseCharacters: true, stripsAccents: true,
                                        lowercases: true)
        let aligned = normalizer.normalizeAligned(Array("Ée中\u{0}x".unicodeScalars))
        #expect(aligned.scalars == normalizer.normalize(Array("Ée中\u{0}x".unicodeScalars)))
        #expect(ScalarText.string(aligned.scalars) == "ee 中 x")
        #expect(aligned.origins == [0 ..< 1, 1 ..< 2, 2 ..< 3, 2 ..< 3, 2 ..< 3, 4 ..< 5])
    }

    @Test func preTokenizers_alignedWordsEqualPlainWords() {
        let texts = ["hello world", " two  spaces ", "ünïcödé and 中文", "", "a"]
        let preTokenizers: [any PreTokenizer] = [
            MetaspacePreTokenizer(), MetaspacePreTokenizer(prependScheme: .first),
            MetaspacePreTokenizer(prependScheme: .never, splits: false),
            SequencePreTokenizer(preTokenizers: [WhitespaceSplitPreTokenizer(), MetaspacePreTokenizer()]),
            GPT2SplitPreTokenizer(behavior: .isolated), BertPreTokenizer(), DigitsPreTokenizer(individualDigits: true),
        ]
        for preTokenizer in preTokenizers {
            for text in texts {
                let scalars = Array(text.unicodeScalars)
                // A slice that does not start at 0, as pieces after an added token do.
                let padded = ["#"] + scalars
                let piece = TextPiece(scalars: padded[1...], isAtStart: true)
                let aligned = preTokenizer.splitAligned(piece)
                #expect(aligned.map { Array($0.word.scalars) } == preTokenizer.split(piece).map { Array($0.scalars) },
                        "\(preTokenizer) \(text.debugDescription)")
                for word in aligned {
                    #expect(word.origins.count == word.word.scalars.count)
                    #expect(word.origins.allSatisfy { (1 ..< padded.count).contains($0) })
                }
            }
        }
    }
}
