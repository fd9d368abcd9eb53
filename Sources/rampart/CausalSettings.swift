import Foundation
import Generation
import GuardService

/// The causal-model part of `rampart serve`: off unless `--causal-model` (or RAMPART_CAUSAL_MODEL) is given.
struct CausalSettings {
    var model: URL
    var alpha: Float
    var safePrompt: String
    var adversarialPrompt: String
    var softPrompts: URL?
    var calibration: URL?
    var decision: ACDDecision
    /// Where the prompts came from (for the start-up log).
    var promptSource: String

    /// nil when no causal model is configured.
    init?(_ command: ServeCommand, environment env: Environment) throws {
        guard let path = env.string(command.causalModel, "RAMPART_CAUSAL_MODEL") else { return nil }
        model = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: model.path) else {
            throw ConfigurationError("causal model \(path) does not exist (a GGUF file or a model directory)")
        }
        alpha = Float(try env.double(command.acdAlpha, "RAMPART_ACD_ALPHA") ?? 0.5)
        guard alpha.isFinite, (0 ... 4).contains(alpha) else { throw ConfigurationError("ACD alpha \(alpha) is outside [0, 4]") }
        let shipped = Self.locateShipped()
        let safeFile = env.string(command.acdSafePromptFile, "RAMPART_ACD_SAFE_PROMPT_FILE") ?? shipped?.appendingPathComponent("prompts/safe.txt").path
        let adversarialFile = env.string(command.acdAdversarialPromptFile, "RAMPART_ACD_ADVERSARIAL_PROMPT_FILE")
            ?? shipped?.appendingPathComponent("prompts/adversarial.txt").path
        do {
            safePrompt = try safeFile.map { try ContrastivePrompts.text(URL(fileURLWithPath: $0)) } ?? ContrastivePrompts.defaultSafe
            adversarialPrompt = try adversarialFile.map { try ContrastivePrompts.text(URL(fileURLWithPath: $0)) }
                ?? ContrastivePrompts.defaultAdversarial
        } catch {
            throw ConfigurationError("\(error)")
        }
        promptSource = safeFile ?? "built-in"
        softPrompts = env.string(command.acdSoftPrompts, "RAMPART_ACD_SOFT_PROMPTS").map(URL.init(fileURLWithPath:))
        if let explicit = env.string(command.acdCalibration, "RAMPART_ACD_CALIBRATION") {
            calibration = URL(fileURLWithPath: explicit)
        } else if let softPrompts {
            // OPO exports its own calibration next to the soft prompts.
            let sibling = softPrompts.deletingPathExtension().appendingPathExtension("calibration.json")
            calibration = FileManager.default.fileExists(atPath: sibling.path) ? sibling : nil
        } else {
            // No default calibration: the one fit on SmolLM2's own outputs (Models/acd/calibration-smollm2-outputs.json)
            // had the opposite sign on independent human-labelled answers of capable chat models (AUROC 0.29 there,
            // while the raw evidence gave 0.72), so it is opt-in only. See the README.
            calibration = nil
        }
        let rawDecision = env.string(command.acdDecision, "RAMPART_ACD_DECISION") ?? "classifier"
        guard let decision = ACDDecision(rawValue: rawDecision) else {
            throw ConfigurationError("ACD decision \(rawDecision) is not one of classifier, max, mean")
        }
        self.decision = decision
    }

    /// Loads the model and prompts (soft prompts checked against the model's hidden size).
    func makeDecoder(threads: Int) throws -> ContrastiveDecoder {
        let lm = try CausalLM.load(model, options: .init(blasThreadCount: threads))
        var prompts = ContrastivePrompts(safe: safePrompt, adversarial: adversarialPrompt)
        if let softPrompts {
            let soft = try ContrastivePrompts.softPrompts(softPrompts, hidden: lm.model.config.hiddenSize)
            prompts.softSafe = soft.safe
            prompts.softAdversarial = soft.adversarial
        }
        if let calibration { prompts.calibration = try ContrastivePrompts.Calibration.load(calibration) }
        return ContrastiveDecoder(lm: lm, prompts: prompts)
    }

    /// `Models/acd` next to the executable (`<prefix>/share/rampart/acd`) or in a parent directory (a build inside
    /// the repository), else in the current directory.
    private static func locateShipped(executablePath: String = CommandLine.arguments[0]) -> URL? {
        let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
        var candidates = [executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/rampart/acd")]
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent("Models/acd"))
            directory.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Models/acd"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("prompts/safe.txt").path) }
    }
}
