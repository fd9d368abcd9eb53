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
        var add_special_tokens: Bool?
        var max_length: Int?
        var strategy: String?

        var truncation: TruncationStrategy {
            switch strategy {
            case "only_first": return .onlyFirst
            case "only_second": return .onlySecond
            default: return .longestFirst
            }
        }
    }

    struct Expected: Decodable {
        var ids: [String?]
        var type_ids: [String?]
        var truncated: [Bool?]
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
