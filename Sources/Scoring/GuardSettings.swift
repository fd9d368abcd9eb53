import Foundation

/// Rampart's own settings that ship beside a model (`rampart.json`, optional): the window length the model was
/// trained for, its chosen operating threshold and which label means unsafe.
public struct GuardSettings: Sendable, Equatable, Codable {
    public var maxLength: Int?
    public var threshold: Double?
    public var thresholdRule: String?
    public var unsafeLabel: String?
    public var modelID: String?

    enum CodingKeys: String, CodingKey {
        case maxLength = "max_length"
        case threshold
        case thresholdRule = "threshold_rule"
        case unsafeLabel = "unsafe_label"
        case modelID = "id"
    }

    public init(maxLength: Int? = nil, threshold: Double? = nil, thresholdRule: String? = nil,
                unsafeLabel: String? = nil, modelID: String? = nil) {
        self.maxLength = maxLength
        self.threshold = threshold
        self.thresholdRule = thresholdRule
        self.unsafeLabel = unsafeLabel
        self.modelID = modelID
    }

    /// Reads `rampart.json` from a model directory; a missing file means defaults, a malformed one is an error.
    public static func load(fromModelDirectory directory: URL) throws -> GuardSettings {
        let url = directory.appendingPathComponent("rampart.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return GuardSettings() }
        do {
            let settings = try JSONDecoder().decode(GuardSettings.self, from: Data(contentsOf: url))
            if let threshold = settings.threshold, !(0 ... 1).contains(threshold) {
                throw ScoringError.invalidModel(file: url.path, reason: "threshold \(threshold) is outside [0, 1]")
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
