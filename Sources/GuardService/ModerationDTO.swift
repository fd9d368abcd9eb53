import Foundation
import Scoring

/// `POST /v1/moderations` request in OpenAI's shape: `input` is a string, an array of strings, or an array of
/// content parts (`{"type": "text", "text": ...}`); `model` is accepted and ignored (Rampart serves one model).
struct ModerationRequest: Decodable, Sendable {
    enum Input: Sendable {
        case texts([String])
        /// Content parts are judged together as one input, as OpenAI does for multi-modal arrays.
        case parts([String])
    }

    var input: Input
    var model: String?

    private enum CodingKeys: String, CodingKey { case input, model }

    private struct Part: Decodable {
        var type: String
        var text: String?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        if let text = try? container.decode(String.self, forKey: .input) {
            input = .texts([text])
        } else if let texts = try? container.decode([String].self, forKey: .input) {
            input = .texts(texts)
        } else {
            let parts = try container.decode([Part].self, forKey: .input)
            var texts: [String] = []
            for (index, part) in parts.enumerated() {
                guard part.type == "text" else {
                    throw APIError.unprocessable(
                        "input[\(index)] has type \"\(part.type)\"; only text parts are supported", code: "unsupported_input")
                }
                guard let text = part.text else {
                    throw APIError.unprocessable("input[\(index)].text is required", code: "missing_field")
                }
                texts.append(text)
            }
            input = .parts(texts)
        }
    }

    func scoreInputs() throws(APIError) -> [ScoreInput] {
        switch input {
        case let .texts(texts):
            guard !texts.isEmpty else { throw .unprocessable("\"input\" is empty", code: "empty_input") }
            return texts.map { ScoreInput(prompt: $0) }
        case let .parts(texts):
            guard !texts.isEmpty else { throw .unprocessable("\"input\" is empty", code: "empty_input") }
            return [ScoreInput(prompt: texts.joined(separator: "\n"))]
        }
    }
}

/// OpenAI's moderation categories. A model with a category head (the default model since v5) fills those it
/// predicts; the others, and every category of a binary guard, are reported false with score 0. `flagged` stays
/// the guard's verdict (plus `rampart_score`), and a category is true only when the input is flagged; see the README.
enum ModerationCategory {
    static let all = [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
        "self-harm", "self-harm/instructions", "self-harm/intent", "sexual", "sexual/minors", "violence",
        "violence/graphic",
    ]
}

struct ModerationResultBody: Encodable, Sendable {
    var flagged: Bool
    var categories: [String: Bool]
    var categoryScores: [String: Double]
    var categoryAppliedInputTypes: [String: [String]]
    /// Rampart's own fields (the openai client keeps unknown fields): the guard's P(unsafe) and its threshold.
    var rampartScore: Double
    var rampartThreshold: Double
    var rampartTruncated: Bool

    enum CodingKeys: String, CodingKey {
        case flagged, categories
        case categoryScores = "category_scores"
        case categoryAppliedInputTypes = "category_applied_input_types"
        case rampartScore = "rampart_score"
        case rampartThreshold = "rampart_threshold"
        case rampartTruncated = "rampart_truncated"
    }

    init(_ result: ScoreResult) {
        flagged = result.isFlagged
        let flaggedCategories = Set(result.flaggedCategories)
        categories = Dictionary(uniqueKeysWithValues: ModerationCategory.all.map { ($0, flaggedCategories.contains($0)) })
        categoryScores = Dictionary(uniqueKeysWithValues: ModerationCategory.all.map { ($0, result.categoryScores[$0] ?? 0) })
        categoryAppliedInputTypes = Dictionary(uniqueKeysWithValues: ModerationCategory.all.map { ($0, ["text"]) })
        rampartScore = result.score
        rampartThreshold = result.threshold
        rampartTruncated = result.isTruncated
    }
}

struct ModerationBody: Encodable, Sendable {
    var id: String
    var model: String
    var results: [ModerationResultBody]
}
