import Foundation

/// Rampart's own settings that ship beside a model (`rampart.json`, optional): the window length the model was
/// trained for, its chosen operating thresholds and which label means unsafe.
///
/// `threshold` applies to every input; `pair_threshold`, when present, replaces it for (prompt, response) pairs.
/// Benign pairs and benign prompts score differently, so a threshold chosen for a stated false-positive rate on
/// prompts gives pairs some other rate; the recipe chooses each for the same rate.
public struct GuardSettings: Sendable, Equatable, Codable {
    public var maxLength: Int?
    public var threshold: Double?
    public var pairThreshold: Double?
    public var thresholdRule: String?
    public var unsafeLabel: String?
    public var modelID: String?
    /// (v5) How to read a multi-head model's outputs beyond the verdict; nil for a plain classifier.
    public var heads: OutputHeads?

    enum CodingKeys: String, CodingKey {
        case maxLength = "max_length"
        case threshold
        case pairThreshold = "pair_threshold"
        case thresholdRule = "threshold_rule"
        case unsafeLabel = "unsafe_label"
        case modelID = "id"
        case heads
    }

    public init(maxLength: Int? = nil, threshold: Double? = nil, pairThreshold: Double? = nil,
                thresholdRule: String? = nil, unsafeLabel: String? = nil, modelID: String? = nil,
                heads: OutputHeads? = nil) {
        self.maxLength = maxLength
        self.threshold = threshold
        self.pairThreshold = pairThreshold
        self.thresholdRule = thresholdRule
        self.unsafeLabel = unsafeLabel
        self.modelID = modelID
        self.heads = heads
    }

    /// Reads `rampart.json` from a model directory; a missing file means defaults, a malformed one is an error.
    public static func load(fromModelDirectory directory: URL) throws -> GuardSettings {
        let url = directory.appendingPathComponent("rampart.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return GuardSettings() }
        do {
            let settings = try JSONDecoder().decode(GuardSettings.self, from: Data(contentsOf: url))
            for (key, value) in [("threshold", settings.threshold), ("pair_threshold", settings.pairThreshold)] {
                if let value, !(0 ... 1).contains(value) {
                    throw ScoringError.invalidModel(file: url.path, reason: "\(key) \(value) is outside [0, 1]")
                }
            }
            if let maxLength = settings.maxLength, maxLength < 8 {
                throw ScoringError.invalidModel(file: url.path, reason: "max_length \(maxLength) is too small")
            }
            return settings
        } catch let error as ScoringError {
            throw error
        } catch {
            throw ScoringError.invalidModel(file: url.path, reason: "\(error)")
        }
    }
}
