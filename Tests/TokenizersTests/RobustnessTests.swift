import Dispatch
import Foundation
import Testing
@testable import Tokenizers

/// Random and hostile inputs: no crash, invariants hold, results are identical across threads.
@Suite struct RobustnessTests {
    static let names = ["wordpiece", "minilm", "unigram", "unigram-bytefallback", "wordpiece-nfkc", "wordpiece-whitespace"]

    /// Random scalars from all planes, biased toward the troublesome ones.
    static func randomText(_ generator: inout SeededGenerator, length: Int) -> String {
        let pools: [ClosedRange<UInt32>] = [0x00...0x7F, 0x80...0x36F, 0x0300...0x036F, 0x0590...0x06FF, 0x2000...0x206F,
                                            0x3000...0x9FFF, 0xFE00...0xFFFF, 0x1F300...0x1FAFF, 0xE0000...0xE007F,
                                            0xF0000...0x10FFFF]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            let pool = pools[Int.random(in: 0..<pools.count, using: &generator)]
            if let scalar = Unicode.Scalar(UInt32.random(in: pool, using: &generator)) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    @Test(arguments: names)
    func randomUnicode_neverCrashesAndRespectsBounds(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var generator = SeededGenerator(state: 42)
        for round in 0..<300 {
            let text = Self.randomText(&generator, length: Int.random(in: 0..<200, using: &generator))
            let pair = round % 2 == 0 ? Self.randomText(&generator, length: 50) : nil
            let full = tokenizer.encode(text, pair: pair)
            #expect(full.ids.count == full.typeIds.count)
            let tokens = tokenizer.tokenize(text)
            #expect(tokenizer.encode(text, addSpecialTokens: false).ids == tokens)
            let maxLength = 8 + round % 24
            let truncated = tokenizer.encode(text, pair: pair, maxLength: maxLength)
            #expect(truncated.ids.count <= maxLength)
            #expect(truncated.isTruncated == (full.ids.count > maxLength))
        }
    }

    @Test(arguments: names)
    func hostileInputs_doNotCrash(name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let inputs = [
            String(repeating: "\u{0}", count: 10_000),
            String(repeating: "\u{301}", count: 10_000),                   // combining marks with no base
            String(repeating: "👨‍👩‍👧‍👦", count: 2_000),                  // one very long grapheme run
            String(repeating: "[SEP]", count: 5_000),
            String(repeating: " ", count: 50_000),
            String(repeating: "x", count: 300_000),                          // one huge word
            (0..<5_000).map { "w\($0)" }.joined(separator: "\t\n"),
        ]
        for input in inputs {
            let encoding = tokenizer.encode(input, pair: input, maxLength: 512)
            #expect(encoding.ids.count <= 512)
        }
    }

    @Test func concurrentEncode_matchesSequential() throws {
        let tokenizers = try Self.names.map { try Fixtures.tokenizer($0) }
        let cases = Array(try Fixtures.cases().prefix(400))
        let expected = tokenizers.map { tokenizer in cases.map { tokenizer.encode($0.text, pair: $0.pair) } }
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for (index, testCase) in cases.enumerated() where index % 2 == worker % 2 {
                let which = (index + worker) % tokenizers.count
                if tokenizers[which].encode(testCase.text, pair: testCase.pair) != expected[which][index] {
                    mismatches.add()
                }
            }
        }
        #expect(mismatches.count == 0)
    }

    @Test func tenKilobyteText_tokenizesQuickly() throws {
        let tokenizer = try Fixtures.tokenizer("minilm")
        var generator = SeededGenerator(state: 7)
        let words = ["the", "harmful", "request", "Ångström", "中文", "😀", "don't", "e-mail", "supercalifragilistic"]
        var text = ""
        while text.utf8.count < 10_000 { text += words[Int.random(in: 0..<words.count, using: &generator)] + " " }
        let clock = ContinuousClock()
        var ids: [Int32] = []
        let elapsed = clock.measure { for _ in 0..<10 { ids = tokenizer.tokenize(text) } }
        print("tokenize 10 kB (minilm): \(elapsed / 10) per call, \(ids.count) tokens")
        #expect(ids.count > 1_500)
    }
}

/// A thread-safe counter for concurrent tests.
final class Mismatches: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add() {
        lock.lock()
        value += 1
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
