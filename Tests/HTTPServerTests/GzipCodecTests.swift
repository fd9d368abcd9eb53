import Foundation
import Testing
@testable import HTTPServer

@Suite struct GzipCodecTests {
    static let text = Data(String(repeating: #"{"prompt":"How do I bake bread?","score":0.125}"#, count: 200).utf8)

    @Test func compress_roundTripsAndShrinksRepetitiveText() throws {
        let compressed = GzipCodec.compress(Self.text)
        #expect(compressed.count < Self.text.count / 10)
        #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])  // RFC 1952 §2.3.1 ID1 ID2
        #expect(try GzipCodec.decompress(compressed, limit: Self.text.count) == Self.text)
    }

    @Test func compress_handlesEmptyAndRandomInput() throws {
        #expect(try GzipCodec.decompress(GzipCodec.compress(Data()), limit: 0) == Data())
        var generator = SplitMix64(state: 7)
        let noise = Data((0..<50_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        #expect(try GzipCodec.decompress(GzipCodec.compress(noise, level: 1), limit: noise.count) == noise)
    }

    @Test func decompress_acceptsConcatenatedMembers() throws {
        let joined = GzipCodec.compress(Data("hello, ".utf8)) + GzipCodec.compress(Data("world".utf8))
        #expect(try GzipCodec.decompress(joined, limit: 100) == Data("hello, world".utf8))
    }

    @Test func decompress_stopsAtTheCapForABomb() {
        // 16 MiB of zeros compresses to ~16 KiB; the cap must stop inflation long before the end.
        let bomb = GzipCodec.compress(Data(count: 16 << 20), level: 9)
        #expect(bomb.count < 64 * 1024)
        #expect(throws: GzipCodec.Failure.exceedsLimit(1 << 20)) { try GzipCodec.decompress(bomb, limit: 1 << 20) }
        // Exactly at the cap is allowed.
        #expect((try? GzipCodec.decompress(GzipCodec.compress(Data(count: 1000)), limit: 1000))?.count == 1000)
    }

    @Test func decompress_rejectsCorruptTruncatedAndNonGzipInput() {
        let compressed = GzipCodec.compress(Self.text)
        var flipped = compressed
        flipped[flipped.count - 6] ^= 0xFF  // inside the CRC32 trailer
        for bad in [Data("not gzip at all".utf8), compressed.prefix(compressed.count / 2), flipped, Data()] {
            #expect(throws: GzipCodec.Failure.self) { try GzipCodec.decompress(bad, limit: 1 << 20) }
        }
    }
}
