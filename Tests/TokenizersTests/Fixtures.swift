import Foundation
import Testing
@testable import Tokenizers

/// Locates the golden fixtures written by Models/fixtures/make_tokenizer_fixtures.py.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repositoryRoot.appendingPathComponent("Models/fixtures/tokenizers")

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: url("\(name).json"))
    }

    struct Case: Decodable {
        var text: String
        var pair: String?
        var addsSpecialTokens: Bool?
        var maxLength: Int?
        var strategy: String?

        enum CodingKeys: String, CodingKey {
            case text, pair, strategy
            case addsSpecialTokens = "add_special_tokens"
            case maxLength = "max_length"
        }

        var truncation: TruncationStrategy {
            switch strategy {
            case "only_first": return .onlyFirst
            case "only_second": return .onlySecond
            default: return .longestFirst
            }
        }
    }

    /// Per case: ids space-separated, type ids as a digit string, truncation flag; nil where tokenizers raised.
    struct Expected: Decodable {
        var ids: [String?]
        var typeIDs: [String?]
        var truncated: [Bool?]

        enum CodingKeys: String, CodingKey {
            case ids, truncated
            case typeIDs = "type_ids"
        }
    }

    static func cases() throws -> [Case] {
        try JSONDecoder().decode([Case].self, from: Data(contentsOf: url("cases.json")))
    }

    static func expected(_ name: String) throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url("expected-\(name).json")))
    }

    static func parseIDs(_ text: String) -> [Int32] {
        text.split(separator: " ").map { Int32($0)! }
    }

    static func parseTypeIDs(_ text: String) -> [Int32] {
        text.unicodeScalars.map { Int32($0.value) - 48 }
    }
}
