/// tokenizers `models/wordpiece`: greedy longest-match-first subwords; a word that cannot be covered entirely,
/// or is longer than `max_input_chars_per_word` characters, becomes the single unk token.
struct WordPieceModel: TokenizationModel {
    private let trie: ByteTrie
    private let tokens: [Int32: String]
    private let unknownID: Int32
    /// Trie node after the continuing-subword prefix ("##"), nil when no token starts with it.
    private let continuationNode: ByteTrie.Node?
    private let continuingSubwordPrefix: [UInt8]
    private let maxInputCharactersPerWord: Int

    init(_ json: JSONComponent) throws {
        let vocab = try json.object("vocab")
        var builder = ByteTrie.Builder()
        var tokens: [Int32: String] = [:]
        for (token, value) in vocab.members {
            guard let number = JSONComponent.integer(value), let id = Int32(exactly: number), id >= 0 else {
                throw vocab.invalid(token, "expected a non-negative integer id")
            }
            builder.insert(token.utf8, id: id)
            tokens[id] = token
        }
        let trie = builder.freeze()
        let unknown = try json.string("unk_token", default: "[UNK]")
        guard let unknownID = trie.id(of: unknown.utf8) else {
            throw TokenizerError.missingToken(path: json.path, component: json.component, token: unknown)
        }
        let prefix = Array(try json.string("continuing_subword_prefix", default: "##").utf8)
        self.trie = trie
        self.tokens = tokens
        self.unknownID = unknownID
        self.continuingSubwordPrefix = prefix
        self.continuationNode = trie.walk(prefix)
        self.maxInputCharactersPerWord = try json.int("max_input_chars_per_word", default: 100)
    }

    func tokenize(_ word: [UInt8], into ids: inout [Int32]) {
        var unused: [Range<Int>] = []
        tokenize(word, into: &ids, byteRanges: &unused, recordsRanges: false)
    }

    /// Each piece's bytes: a subword covers what it matched (without the "##" it is stored with); the unk token
    /// the whole word.
    func tokenize(_ word: [UInt8], into ids: inout [Int32], byteRanges: inout [Range<Int>]) {
        tokenize(word, into: &ids, byteRanges: &byteRanges, recordsRanges: true)
    }

    private func tokenize(_ word: [UInt8], into ids: inout [Int32], byteRanges: inout [Range<Int>],
                          recordsRanges: Bool) {
        guard !word.isEmpty else { return }
        // Characters are counted as UTF-8 lead bytes.
        let characterCount = word.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        if characterCount > maxInputCharactersPerWord {
            ids.append(unknownID)
            if recordsRanges { byteRanges.append(0 ..< word.count) }
            return
        }
        let firstNew = ids.count
        let firstNewRange = byteRanges.count
        var start = 0
        while start < word.count {
            // The longest vocabulary entry starting at `start` (with "##" after the first piece). Every stored
            // token is valid UTF-8, so a match always ends on a character boundary.
            var node: ByteTrie.Node? = start == 0 ? ByteTrie.root : continuationNode
            var best: (end: Int, id: Int32)?
            var position = start
            while let current = node, position < word.count, let next = trie.child(current, word[position]) {
                position += 1
                node = next
                if let id = trie.value(next) { best = (position, id) }
            }
            guard let match = best else {
                ids.removeSubrange(firstNew...)
                ids.append(unknownID)
                if recordsRanges {
                    byteRanges.removeSubrange(firstNewRange...)
                    byteRanges.append(0 ..< word.count)
                }
                return
            }
            ids.append(match.id)
            if recordsRanges { byteRanges.append(start ..< match.end) }
            start = match.end
        }
    }

    func id(forToken token: String) -> Int32? {
        trie.id(of: token.utf8)
    }

    func token(forID id: Int32) -> String? {
        tokens[id]
    }
}
