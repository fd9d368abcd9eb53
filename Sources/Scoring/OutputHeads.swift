import Foundation

/// How a multi-head guard's outputs are read (`rampart.json`'s `heads`, written by the v5 recipe).
///
/// The classifier's outputs are `[verdict: 2 | components | categories]`: the first two are softmaxed into
/// P(safe), P(unsafe) — the verdict, as for any binary guard — and every later output is an independent sigmoid:
/// a component (`prompt_harm`, `compliance`, `response_harm`) or a harm category (`harassment`, `hate`, …).
/// Components are read from the window with the highest P(unsafe); category scores are the maximum over windows.
public struct OutputHeads: Sendable, Equatable, Codable {
    /// The number of leading outputs that form the softmaxed verdict.
    public static let verdictCount = 2

    public var components: [String]
    public var categories: [String]
    /// A category is reported `true` only for a flagged input and when its score reaches this threshold (0.5 when
    /// absent).
    public var categoryThresholds: [String: Double]
    /// OpenAI moderation categories that the model does not predict (reported false with score 0).
    public var unsupportedOpenAICategories: [String]?

    enum CodingKeys: String, CodingKey {
        case components, categories
        case categoryThresholds = "category_thresholds"
        case unsupportedOpenAICategories = "unsupported_openai_categories"
    }

    public init(components: [String], categories: [String], categoryThresholds: [String: Double] = [:],
                unsupportedOpenAICategories: [String]? = nil) {
        self.components = components
        self.categories = categories
        self.categoryThresholds = categoryThresholds
        self.unsupportedOpenAICategories = unsupportedOpenAICategories
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        components = try container.decodeIfPresent([String].self, forKey: .components) ?? []
        categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
        categoryThresholds = try container.decodeIfPresent([String: Double].self, forKey: .categoryThresholds) ?? [:]
        unsupportedOpenAICategories = try container.decodeIfPresent([String].self, forKey: .unsupportedOpenAICategories)
    }

    /// The number of model outputs this layout reads.
    public var outputCount: Int { Self.verdictCount + components.count + categories.count }

    /// Checks the layout against the model's outputs; the error names `file`.
    func validate(outputCount actual: Int, file: String) throws(ScoringError) {
        guard actual == outputCount else {
            throw .invalidModel(file: file, reason: "heads describe \(outputCount) outputs (2 verdict + "
                + "\(components.count) components + \(categories.count) categories) but the model has \(actual)")
        }
        let names = components + categories
        guard Set(names).count == names.count, !names.contains(where: \.isEmpty) else {
            throw .invalidModel(file: file, reason: "heads: component and category names must be unique and non-empty")
        }
        for (name, value) in categoryThresholds {
            guard categories.contains(name) else {
                throw .invalidModel(file: file, reason: "category_thresholds names \"\(name)\", which is not a category")
            }
            guard value.isFinite, (0 ... 1).contains(value) else {
                throw .invalidModel(file: file, reason: "category_thresholds[\"\(name)\"] \(value) is outside [0, 1]")
            }
        }
    }

    /// Per-window probabilities from one window's logits: softmax over the verdict pair, sigmoid for the rest.
    func probabilities(logits: ArraySlice<Float>) -> [Double] {
        let values = logits.map(Double.init)
        guard values.count >= Self.verdictCount else { return values.map { _ in .nan } }
        let a = values[0], b = values[1]
        let top = max(a, b)
        let ea = exp(a - top), eb = exp(b - top)
        var out = [ea / (ea + eb), eb / (ea + eb)]
        out.reserveCapacity(values.count)
        for x in values.dropFirst(Self.verdictCount) { out.append(1 / (1 + exp(-x))) }
        return out
    }

    /// Components of the deciding window and category scores (maximum over windows).
    func read(windowProbabilities: [[Double]], decidingWindow: Int) -> (components: [String: Double],
                                                                         categories: [String: Double]) {
        var components: [String: Double] = [:]
        let winner = windowProbabilities[decidingWindow]
        for (offset, name) in self.components.enumerated() where winner.indices.contains(Self.verdictCount + offset) {
            components[name] = winner[Self.verdictCount + offset]
        }
        var categories: [String: Double] = [:]
        let base = Self.verdictCount + self.components.count
        for (offset, name) in self.categories.enumerated() {
            var best = 0.0
            for window in windowProbabilities where window.indices.contains(base + offset) && window[base + offset].isFinite {
                best = max(best, window[base + offset])
            }
            categories[name] = best
        }
        return (components, categories)
    }

    /// The categories reported true: none unless the input is flagged; then each category at or over its threshold,
    /// and — so that a flagged input always names one — the highest-scoring category when none reaches its threshold.
    func flaggedCategories(scores: [String: Double], isFlagged: Bool) -> [String] {
        guard isFlagged, !scores.isEmpty else { return [] }
        let over = categories.filter { (scores[$0] ?? 0) >= (categoryThresholds[$0] ?? 0.5) }
        if !over.isEmpty { return over }
        return categories.max { (scores[$0] ?? 0) < (scores[$1] ?? 0) }.map { [$0] } ?? []
    }
}
