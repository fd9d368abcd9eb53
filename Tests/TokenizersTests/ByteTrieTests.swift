import Testing
@testable import Tokenizers

@Suite struct ByteTrieTests {
    @Test func freeze_findsEveryKeyAndOnlyThose() {
        var builder = ByteTrie.Builder()
        let keys = ["a", "ab", "abc", "b", "ba", "日本", "日", "##ab", "\u{E9}", "e\u{301}"]
        for (index, key) in keys.enumerated() { builder.insert(key.utf8, id: Int32(index)) }
        let trie = builder.freeze()
        for (index, key) in keys.enumerated() { #expect(trie.id(of: key.utf8) == Int32(index), "\(key)") }
        for missing in ["", "abcd", "c", "##", "日本語", "e"] { #expect(trie.id(of: missing.utf8) == nil, "\(missing)") }
        // Walking a prefix lands on an inner node that holds no token.
        let prefix = trie.walk("##".utf8)
        #expect(prefix != nil)
        #expect(prefix.flatMap(trie.value) == nil)
        #expect(prefix.flatMap { trie.id(of: "ab".utf8, from: $0) } == 7)
    }

    @Test func freeze_laterDuplicateWins() {
        var builder = ByteTrie.Builder()
        builder.insert("x".utf8, id: 1)
        builder.insert("y".utf8, id: 2)
        builder.insert("x".utf8, id: 3)
        let trie = builder.freeze()
        #expect(trie.id(of: "x".utf8) == 3)
        #expect(trie.id(of: "y".utf8) == 2)
    }

    @Test func freeze_emptyBuilderFindsNothing() {
        let trie = ByteTrie.Builder().freeze()
        #expect(trie.id(of: "a".utf8) == nil)
        #expect(trie.child(ByteTrie.root, 0x61) == nil)
    }
}
