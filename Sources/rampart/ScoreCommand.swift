import Architectures
import ArgumentParser
import Foundation
import Logging
import Scoring

/// `rampart score`: offline scoring from the command line, one pair or a JSONL file.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Print P(unsafe) for a prompt (and response), or score a JSONL file of {\"prompt\", \"response\"} rows."
    )

    @Option(help: "Guard model directory. Env RAMPART_MODEL. Default: the shipped Models/rampart-guard-minilm.")
    var model: String?

    @Option(help: "The prompt to score.")
    var prompt: String?

    @Option(help: "The response to score with the prompt.")
    var response: String?

    @Option(help: "JSONL input: one {\"prompt\": ..., \"response\": ...} object per line (response optional).")
    var input: String?

    @Option(help: "JSONL output for --input (default: standard output).")
    var output: String?

    @Option(help: "OpenBLAS threads. Env RAMPART_THREADS. Default: the number of CPUs.")
    var threads: Int?

    @Option(help: "Encoder arithmetic: auto (int8 on AVX-512 VNNI CPUs, else fp32), fp32 or int8. Default: auto.")
    var precision: PrecisionChoice = .auto

    @Option(help: "Long inputs: window or truncate. Default: window.")
    var longInput: LongInputPolicy = .slidingWindow

    func validate() throws {
        if (prompt == nil) == (input == nil) {
            throw ValidationError("give either --prompt (with optional --response) or --input FILE.jsonl")
        }
        if response != nil, prompt == nil { throw ValidationError("--response needs --prompt") }
    }

    func run() throws {
        let env = Environment()
        let modelDirectory: URL
        var configuration = ScoringConfiguration(longInputPolicy: longInput, precision: precision.resolved())
        do {
            modelDirectory = try DefaultModel.resolve(env.string(model, "RAMPART_MODEL"))
            configuration.threads = try env.int(threads, "RAMPART_THREADS") ?? ProcessInfo.processInfo.activeProcessorCount
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        configuration.requestTimeout = .seconds(3600)
        let scorer: GuardScorer
        do {
            scorer = try GuardScorer(modelDirectory: modelDirectory, configuration: configuration)
        } catch {
            FileHandle.standardError.write(Data("rampart: \(error)\n".utf8))
            throw ExitCode(1)
        }
        defer { scorer.shutdown() }
        if let prompt {
            let result = try scorer.scoreAndWait([ScoreInput(prompt: prompt, response: response)])[0]
            print(String(format: "%.6f", result.score))
            return
        }
        if let input {
            let writer = try JSONLWriter(path: output)
            let hadErrors = try JSONLScorer(scorer: scorer, writer: writer).run(inputPath: input)
            if hadErrors { throw ExitCode(1) }
        }
    }
}
