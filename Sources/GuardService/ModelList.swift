import Scoring

/// `GET /v1/models`, in OpenAI's list shape, with Rampart's details of the served guard.
struct ModelList: Encodable, Sendable {
    struct Model: Encodable, Sendable {
        var id: String
        var object = "model"
        var created = 0
        var ownedBy = "rampart"
        var labels: [String]
        var maxLength: Int
        var threshold: Double
        var pairThreshold: Double
        /// (multi-head models) The component and category outputs and the per-category thresholds.
        var components: [String]?
        var categories: [String]?
        var categoryThresholds: [String: Double]?

        enum CodingKeys: String, CodingKey {
            case id, object, created, labels, threshold, components, categories
            case categoryThresholds = "category_thresholds"
            case pairThreshold = "pair_threshold"
            case ownedBy = "owned_by"
            case maxLength = "max_length"
        }
    }

    var object = "list"
    var data: [Model]

    init(_ scorer: GuardScorer) {
        data = [Model(id: scorer.modelID, labels: scorer.labels, maxLength: scorer.maxLength, threshold: scorer.threshold,
                      pairThreshold: scorer.pairThreshold, components: scorer.heads?.components,
                      categories: scorer.heads?.categories, categoryThresholds: scorer.heads?.categoryThresholds)]
    }
}
