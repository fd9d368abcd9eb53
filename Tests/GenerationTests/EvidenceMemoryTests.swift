import Foundation
@testable import Architectures
@testable import Generation
import Testing

/// Regression (issue 14): evidence computed logits for every prompt and response row of both branches;
/// only the response rows are read. The logits buffer now holds 2 × (response + 1) rows however long
/// the prompt is.
@Test func evidence_logitsOnlyForTheResponseRows() throws {
    let decoder = try GenerationFixtures.decoder()
    let model = decoder.lm.model
    let response = "Roses are red"
    let replyTokens = decoder.lm.tokenizer.tokenize(response).count
    let longPrompt = Array(repeating: "hello there", count: 3).joined(separator: " ")
    let promptTokens = decoder.lm.tokenizer.tokenize(longPrompt).count
    #expect(promptTokens > 2 * replyTokens)
    let evidence = try decoder.evidence(prompt: longPrompt, response: response)
    #expect(evidence.tokens == replyTokens)
    #expect(model.scratch.logits.capacity == 2 * (replyTokens + 1) * model.vocabularySize)
}
