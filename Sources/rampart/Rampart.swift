import ArgumentParser

@main
struct Rampart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rampart",
        abstract: "A safety-guard inference server: harmfulness scores for prompt/response pairs.",
        subcommands: [ServeCommand.self, ScoreCommand.self, BenchCommand.self]
    )
}
