import Architectures
import Foundation
import Tokenizers

/// Text generation with optional adversarial contrastive decoding (ACD, arXiv 2406.16743 §3).
///
/// ACD runs the same model twice, once under the safeguarding and once under the adversarial system prompt,
/// both branches as one batch of two sequences sharing the weights, and samples every step from
/// `logits_safe − α·logits_adv`: tokens the adversarial persona favours are pushed down. The chosen token is
/// appended to both branches, so they stay aligned. Plain mode is the user prompt under the model's own
/// default system prompt, one sequence. α = 0 needs no adversarial branch and runs the safe one alone.
///
/// Not thread-safe (the model's scratch memory is shared): one owner, the `GenerationWorker`.
public struct ContrastiveDecoder: @unchecked Sendable {
    /// Which decoding to run.
    public enum Mode: Sendable, Equatable {
        case plain
        case contrastive(alpha: Float)
    }

    /// Why generation ended: a stop token, or `maxTokens`.
    public enum FinishReason: String, Sendable, Equatable {
        case stop
        case length
    }

    /// One streamed piece: the token (nil for text flushed at the end) and the text it completed (may be empty
    /// while a UTF-8 character is split across tokens).
    public struct Piece: Sendable, Equatable {
        public var token: Int32?
        public var text: String
    }

    public struct Output: Sendable, Equatable {
        public var text: String
        public var tokens: [Int32]
        public var finishReason: FinishReason
        /// Prompt tokens of the (safe) branch, soft prompt excluded.
        public var promptTokens: Int
    }

    public let lm: CausalLM
    public let prompts: ContrastivePrompts

    public init(lm: CausalLM, prompts: ContrastivePrompts = ContrastivePrompts()) {
        self.lm = lm
        self.prompts = prompts
    }

    /// Generates a reply to `prompt`. `check` is polled before every step: a non-nil error (cancelled, timed out)
    /// ends generation by throwing it. `onPiece` receives each token's text as it is decoded.
    public func generate(prompt: String, mode: Mode, parameters: SamplingParameters,
                         check: () -> GenerationError? = { nil },
                         onPiece: (Piece) -> Void = { _ in }) throws(GenerationError) -> Output {
        try generate(conversation: [.init(role: "user", content: prompt)], mode: mode, parameters: parameters,
                     check: check, onPiece: onPiece)
    }

    /// Generates the next assistant turn of `conversation` (chat completions). Plain mode keeps the conversation's
    /// own system message (or the template's default); ACD puts the safeguarding / adversarial prompt first in
    /// each branch, followed by the conversation's system message when it has one.
    public func generate(conversation: [ChatTemplate.Message], mode: Mode, parameters: SamplingParameters,
                         check: () -> GenerationError? = { nil },
                         onPiece: (Piece) -> Void = { _ in }) throws(GenerationError) -> Output {
        try parameters.validate()
        let alpha = try Self.alpha(of: mode)
        let branches = Branches(decoder: self, conversation: conversation, mode: mode)
        let cache = try branches.makeCache(extra: parameters.maxTokens)
        var sampler = Sampler(parameters: parameters)
        var text = ByteLevelDecoder(tokenizer: lm.tokenizer, skipping: lm.stopIDs)
        var generated: [Int32] = []
        var output = ""
        var finish = FinishReason.length
        var logits = try branches.prefill(cache)
        for step in 0..<parameters.maxTokens {
            if let error = check() { throw error }
            let token = sampler.sample(Self.contrast(logits, branches: branches.count, alpha: alpha))
            if parameters.stopsAtEndOfSequence, lm.stopIDs.contains(token) {
                finish = .stop
                break
            }
            generated.append(token)
            let piece = text.append(token)
            output += piece
            onPiece(Piece(token: token, text: piece))
            // The last token needs no forward pass: nothing reads its logits.
            if step == parameters.maxTokens - 1 { break }
            logits = try Self.run { try lm.model.forward(Array(repeating: [token], count: branches.count), cache: cache) }
        }
        let rest = text.finish()
        if !rest.isEmpty {
            output += rest
            onPiece(Piece(token: nil, text: rest))
        }
        return Output(text: output, tokens: generated, finishReason: finish, promptTokens: branches.tokens[0].count)
    }

    /// The contrasted next-token logits after `prompt` and `continuation` ([vocab]): both branches prefilled as one
    /// batch, then `safe − α·adv` (for tests and tools; `generate` uses the same path).
    public func contrastedLogits(prompt: String, continuation: [Int32], alpha: Float) throws(GenerationError) -> [Float] {
        var branches = Branches(decoder: self, user: prompt, mode: .contrastive(alpha: alpha), forceBoth: true)
        branches.tokens = branches.tokens.map { $0 + continuation }
        let cache = try branches.makeCache(extra: 0)
        return Self.contrast(try branches.prefill(cache), branches: 2, alpha: alpha)
    }

    /// The α of `mode` (0 for plain); throws `invalidInput` outside [0, 4].
    public static func alpha(of mode: Mode) throws(GenerationError) -> Float {
        guard case let .contrastive(alpha) = mode else { return 0 }
        guard alpha.isFinite, alpha >= 0, alpha <= 4 else { throw .invalidInput("acd.alpha must be in [0, 4], got \(alpha)") }
        return alpha
    }

    /// `safe − α·adv` from [branches, vocab] logits (branch 0 safe, 1 adversarial); one branch passes through.
    static func contrast(_ logits: [Float], branches: Int, alpha: Float) -> [Float] {
        guard branches == 2 else { return logits }
        let vocab = logits.count / 2
        var out = [Float](repeating: 0, count: vocab)
        for i in 0..<vocab { out[i] = logits[i] - alpha * logits[vocab + i] }
        return out
    }

    /// Runs a model call, turning its error into `inferenceFailed`.
    static func run<T>(_ body: () throws -> T) throws(GenerationError) -> T {
        do { return try body() } catch { throw .inferenceFailed("\(error)") }
    }
}

/// The prompt token ids (and soft prompts) of the one or two sequences a request runs.
struct Branches {
    let lm: CausalLM
    var tokens: [[Int32]]
    /// Per branch [n_virtual · hidden] embeddings prepended before the tokens, or nil.
    let soft: [[Float]]?

    init(decoder: ContrastiveDecoder, user: String, mode: ContrastiveDecoder.Mode, forceBoth: Bool = false) {
        self.init(decoder: decoder, conversation: [.init(role: "user", content: user)], mode: mode, forceBoth: forceBoth)
    }

    init(decoder: ContrastiveDecoder, conversation: [ChatTemplate.Message], mode: ContrastiveDecoder.Mode,
         forceBoth: Bool = false) {
        lm = decoder.lm
        let prompts = decoder.prompts
        switch mode {
        case .plain:
            tokens = [lm.chatTokens(conversation: conversation, system: nil)]
            soft = nil
        case let .contrastive(alpha):
            let both = forceBoth || alpha != 0
            // The caller's own system message, if any, follows the branch's persona prompt.
            let own = conversation.first?.role == "system" ? conversation[0].content : nil
            func system(_ persona: String) -> String { own.map { persona + "\n\n" + $0 } ?? persona }
            tokens = [lm.chatTokens(conversation: conversation, system: system(prompts.safe))]
            if both { tokens.append(lm.chatTokens(conversation: conversation, system: system(prompts.adversarial))) }
            if let safe = prompts.softSafe, let adversarial = prompts.softAdversarial {
                soft = both ? [safe, adversarial] : [safe]
            } else {
                soft = nil
            }
        }
    }

    var count: Int { tokens.count }
    var virtualTokens: Int { (soft?.first?.count ?? 0) / lm.model.config.hiddenSize }

    /// A cache holding the longest branch plus `extra` positions; throws when that exceeds the context.
    func makeCache(extra: Int) throws(GenerationError) -> KVCache {
        let longest = virtualTokens + (tokens.map(\.count).max() ?? 0)
        let context = lm.model.config.contextLength
        guard longest + extra <= context else {
            throw .invalidInput("prompt (\(longest) tokens) plus \(extra) new tokens exceeds the model context of \(context)")
        }
        return lm.model.makeCache(sequences: count, capacity: longest + extra)
    }

    /// Prefills every branch in one forward pass; returns [branches, vocab] last-position logits.
    func prefill(_ cache: KVCache, allPositions: Bool = false) throws(GenerationError) -> [Float] {
        try prefillRows(cache, lastPositions: allPositions ? .max : nil).flatMap { $0 }
    }

    /// Like `prefill`, per branch; with `lastPositions` the logits of each branch's last that many
    /// positions [min(lastPositions, positions) · vocab] (the LM head runs on those rows only).
    func prefillRows(_ cache: KVCache, lastPositions: Int?) throws(GenerationError) -> [[Float]] {
        try ContrastiveDecoder.run {
            guard let soft else {
                if let lastPositions { return try lm.model.forward(tokens, cache: cache, lastPositions: lastPositions) }
                return [try lm.model.forward(tokens, cache: cache)]
            }
            let inputs = try zip(soft, tokens).map { prefix, ids in prefix + (try lm.model.embed(ids)) }
            return try lm.model.forward(embeddings: inputs, cache: cache, lastPositions: lastPositions)
        }
    }
}
