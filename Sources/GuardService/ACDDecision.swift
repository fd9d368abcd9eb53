/// How the ACD harm probability enters the `/v1/score` decision (`--acd-decision`). The default keeps the
/// classifier as the decision and reports ACD beside it.
public enum ACDDecision: String, Sendable, CaseIterable {
    /// `combined` = the classifier score; `flagged` unchanged.
    case classifier
    /// `combined` = max(classifier, ACD probability); `flagged` = combined ≥ threshold.
    case max
    /// `combined` = (classifier + ACD probability) / 2; `flagged` = combined ≥ threshold.
    case mean

    func combine(score: Double, probability: Double?) -> Double {
        guard let probability else { return score }
        switch self {
        case .classifier: return score
        case .max: return Swift.max(score, probability)
        case .mean: return (score + probability) / 2
        }
    }
}
