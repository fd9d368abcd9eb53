import Foundation

/// tokenizers `models/unigram` (SentencePiece unigram): the segmentation with the highest total log-probability,
/// found by Viterbi over a trie of the vocabulary (`Unigram::encode_optimized`). Characters no piece covers score
/// `min_score - 10` as unk; consecutive unks are fused into one token, which becomes `<0xXX>` byte tokens when
/// `byte_fallback` is set and the vocabulary has them.
struct UnigramModel: TokenizationModel {
    private let trie: ByteTrie
    private let pieces: [String]
    private let scores: [Double]
    private let unknownID: Int32?
    private let unknownScore: Double
    private let byteFallbackIDs: [Int32]?

    /// tokenizers `models/unigram/model.rs: K_UNK_PENALTY`.
    private static let unknownPenalty = 10.0

    init(_ json: JSONComponent) throws {
        let vocab = try json.array("vocab")
        guard vocab.count < Int32.max else { throw json.invalid("vocab", "\(vocab.count) pieces do not fit Int32 ids") }
        var builder = ByteTrie.Builder()
        var pieces: [String] = []
        var scores: [Double] = []
        pieces.reserveCapacity(vocab.count)
        scores.reserveCapacity(vocab.count)
        for (index, entry) in vocab.enumerated() {
            guard case let .array(pair) = entry, pair.count == 2, case let .string(piece) = pair[0],
                  case let .number(score) = pair[1] else {
                throw json.invalid("vocab[\(index)]", "expected [piece, score]")
            }
            builder.insert(piece.utf8, id: Int32(index))
            pieces.append(piece)
            scores.append(score)
        }
        let trie = builder.freeze()
        let unknownID = try json.optionalInt("unk_id")
        if let unknownID, !(0..<pieces.count).contains(unknownID) {
            throw json.invalid("unk_id", "\(unknownID) is outside the vocabulary of \(pieces.count)")
        }
        self.unknownID = unknownID.map(Int32.init)
        self.unknownScore = (scores.min() ?? 0) - Self.unknownPenalty
        if try json.bool("byte_fallback", default: false) {
            let byteIDs = (0...255).compactMap { trie.id(of: String(format: "<0x%02X>", $0).utf8) }
            byteFallbackIDs = byteIDs.count == 256 ? byteIDs : nil
        } else {
            byteFallbackIDs = nil
        }
        self.trie = trie
        self.pieces = pieces
        self.scores = scores
    }

    func tokenize(_ word: [UInt8], into ids: inout [Int32]) {
        guard !word.isEmpty else { return }
        // Best path ending at each byte offset: (score, start, id); start == -1 means unreached.
        var bestScore = [Double](repeating: 0, count: word.count + 1)
        var bestStart = [Int](repeating: -1, count: word.count + 1)
        var bestID = [Int32](repeating: -1, count: word.count + 1)
        let unknown = unknownID ?? -1
        var start = 0
        while start < word.count {
            let scoreHere = bestScore[start]
            let characterLength = Self.utf8Length(leadByte: word[start], remaining: word.count - start)
            var hasSingleCharacterPiece = false
            var node = ByteTrie.root
            var end = start
            // Pieces in order of increasing length, as tokenizers' common_prefix_search yields them; ties keep
            // the first (strict `>`).
            while end < word.count, let next = trie.child(node, word[end]) {
                node = next
                end += 1
                guard let id = trie.value(next) else { continue }
                let candidate = scores[Int(id)] + scoreHere
                if bestStart[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestID[end] = id
                }
                if end - start == characterLength { hasSingleCharacterPiece = true }
            }
            if !hasSingleCharacterPiece {
                let end = start + characterLength
                let candidate = unknownScore + scoreHere
                if bestStart[end] < 0 || candidate > bestScore[end] {
                    bestScore[end] = candidate
                    bestStart[end] = start
                    bestID[end] = unknown
                }
            }
            start += characterLength
        }

        // Walk back; fuse runs of unk into one piece (tokenizers' fuse_unk, always on for Unigram).
        var segments: [(range: Range<Int>, id: Int32)] = []
        var end = word.count
        while end > 0 {
            let begin = bestStart[end]
            if begin < 0 { break }  // unreachable for valid UTF-8; stops rather than loops
            let id = bestID[end]
            if id == unknown, let last = segments.last, last.id == unknown, last.range.lowerBound == end {
                segments[segments.count - 1].range = begin..<last.range.upperBound
            } else {
                segments.append((begin..<end, id))
            }
            end = begin
        }
        for segment in segments.reversed() {
            appendIDs(of: word[segment.range], id: segment.id, unknown: unknown, into: &ids)
        }
    }

    /// A fused unk run is looked up again as a whole; failing that it becomes byte tokens or unk.
    private func appendIDs(of bytes: ArraySlice<UInt8>, id: Int32, unknown: Int32, into ids: inout [Int32]) {
        if id != unknown {
            ids.append(id)
        } else if let known = trie.id(of: bytes) {
            ids.append(known)
        } else if let byteFallbackIDs {
            ids.append(contentsOf: bytes.map { byteFallbackIDs[Int($0)] })
        } else if unknown >= 0 {
            ids.append(unknown)
        }
        // With no unk id tokenizers fails the whole encode; the port drops the uncoverable text instead.
    }

    /// Length of the UTF-8 sequence starting with `leadByte`, clamped to what is left.
    private static func utf8Length(leadByte: UInt8, remaining: Int) -> Int {
        let length: Int
        switch leadByte {
        case 0..<0x80: length = 1
        case 0xC0..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0...: length = 4
        default: length = 1
        }
        return min(length, remaining)
    }

    func id(forToken token: String) -> Int32? {
        trie.id(of: token.utf8)
    }

    func token(forID id: Int32) -> String? {
        pieces.indices.contains(Int(id)) ? pieces[Int(id)] : nil
    }
}
