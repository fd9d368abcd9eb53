import ArgumentParser
import Architectures
import Foundation
import Generation

/// Times greedy decoding of a GGUF causal LM (SmolLM2-135M-Instruct Q4_1 by default): plain (one sequence) and
/// adversarial contrastive decoding (two sequences per step), with int8 and with fp32 activations, and in the same
/// invocation llama.cpp (llama-cpp-python, Models/bench/peers_decode.py) on the same file and prompt tokens.
/// A program that prints figures, not a test.
@main
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "DecodeBench",
        abstract: "Benchmark causal-LM decoding (plain and ACD) against llama.cpp.")

    @Option(help: "GGUF file.")
    var model = "Models/.downloads/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Option(help: "Tokens generated per run (no stop token: always this many).")
    var tokens = 128

    @Option(help: "Timed runs per mode (medians are reported).")
    var runs = 5

    @Option(help: "Threads for Rampart and llama.cpp.")
    var threads = 2

    @Option(help: "ACD alpha.")
    var alpha: Float = 0.5

    @Option(help: "User prompt.")
    var prompt = "Write a long story about a lighthouse keeper and a storm."

    @Option(help: "Activation arithmetic to time: int8 (llama.cpp's scheme, the default engine), fp32 (exact), or both.")
    var activations = "int8,fp32"

    @Flag(help: "Skip llama.cpp.")
    var noPeers = false

    @Option(help: "Python interpreter for the peer.")
    var python = "python3"

    @Option(help: "Peer script.")
    var peerScript = "Models/bench/peers_decode.py"

    func validate() throws {
        guard tokens >= 2, runs > 0, threads > 0 else { throw ValidationError("--tokens >= 2, --runs and --threads > 0") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        var rows: [DecodeTiming] = []
        let kinds = activations.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for quantized in [true, false] where kinds.contains(quantized ? "int8" : "fp32") {
            let lm = try CausalLM.load(url, options: EngineOptions(blasThreadCount: threads, quantizedActivations: quantized))
            let decoder = ContrastiveDecoder(lm: lm)
            let activations = quantized ? "int8 act" : "fp32 act"
            for (label, mode) in [("plain", ContrastiveDecoder.Mode.plain), ("acd", .contrastive(alpha: alpha))] {
                let parameters = SamplingParameters(temperature: 0, maxTokens: tokens, stopsAtEndOfSequence: false)
                _ = try decoder.generate(prompt: prompt, mode: mode, parameters: SamplingParameters(maxTokens: 4))  // warm-up
                var timings: [DecodeTiming] = []
                for _ in 0..<runs {
                    var stamps: [(wall: UInt64, cpu: UInt64)] = []
                    let start = DispatchTime.now().uptimeNanoseconds
                    let out = try decoder.generate(prompt: prompt, mode: mode, parameters: parameters, onPiece: { piece in
                        if piece.token != nil { stamps.append((DispatchTime.now().uptimeNanoseconds, DecodeTiming.cpuNow())) }
                    })
                    timings.append(DecodeTiming(engine: "rampart \(label) (\(activations))", stamps: stamps, start: start,
                                                promptTokens: out.promptTokens))
                }
                rows.append(DecodeTiming.median(timings))
                print(rows.last!.line)
            }
        }
        var peer: DecodeTiming?
        if !noPeers {
            let lm = try CausalLM.load(url, options: EngineOptions(blasThreadCount: 1))
            let ids = lm.chatTokens(user: prompt, system: nil)
            peer = try LlamaCppPeer(python: python, script: peerScript).run(model: model, ids: ids, tokens: tokens,
                                                                            threads: threads, runs: runs)
            if let peer { print(peer.line) }
        }
        print("")
        print("decode tok/s: (tokens − 1) / (time of last token − time of first token), median of \(runs) runs; prefill ms:")
        print("start → first token (prompt prefill + one step); plain = the model's default system prompt, one sequence;")
        print("acd = safeguarding + adversarial prompts as one batch of two sequences, α = \(alpha); \(threads) threads;")
        print("cpu ms/token: process CPU time per decode step (all threads; spinning threads count too).")
        if let peer, let acd = rows.first(where: { $0.engine == "rampart acd (int8 act)" }),
           let plain = rows.first(where: { $0.engine == "rampart plain (int8 act)" }) {
            let ratio = acd.decodeRate / peer.decodeRate
            print(String(format: "Target ACD ≥ 0.5× llama.cpp plain: %.1f vs %.1f tok/s, ratio %.2f  %@  (by CPU time per token: %.2f)",
                         acd.decodeRate, peer.decodeRate, ratio, ratio >= 0.5 ? "MET" : "not met",
                         peer.cpuMsPerToken / acd.cpuMsPerToken))
            print(String(format: "Rampart plain vs llama.cpp plain: %.2f× (by CPU time per token: %.2f×)",
                         plain.decodeRate / peer.decodeRate, peer.cpuMsPerToken / plain.cpuMsPerToken))
        }
    }
}
