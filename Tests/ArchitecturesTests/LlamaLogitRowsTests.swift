import Foundation
import Testing
@testable import Architectures

/// Regression (issue 14): ACD evidence ran the LM head over every prompt and response position although
/// only the response rows were read (a 4k-token prompt: ~1.7 GB of logits with a 49k vocabulary).
/// `forward(_:cache:lastPositions:)` computes logits for the last rows only.
@Test func llama_lastPositionsMatchTheTailOfForwardAll() throws {
    let expected = try LlamaFixture.expected("tiny_tied")
    let model = try LlamaFixture.load("tiny_tied", "safetensors")
    let vocab = model.vocabularySize
    let all = try model.forwardAll(expected.prompts, cache: model.makeCache(sequences: 2, capacity: 64))
    let allCapacity = model.scratch.logits.capacity
    for count in [1, 3] {
        let tail = try model.forward(expected.prompts, cache: model.makeCache(sequences: 2, capacity: 64), lastPositions: count)
        for s in 0..<2 {
            let kept = min(count, expected.prompts[s].count)
            #expect(tail[s].count == kept * vocab)
            #expect(maxAbsDifference(tail[s], Array(all[s].suffix(kept * vocab))) <= 1e-5)
        }
    }
    // The logits buffer held every position for forwardAll; a tail needs only its rows (a fresh model,
    // since the scratch buffer keeps its size across a few passes).
    let fresh = try LlamaFixture.load("tiny_tied", "safetensors")
    _ = try fresh.forward(expected.prompts, cache: fresh.makeCache(sequences: 2, capacity: 64), lastPositions: 2)
    #expect(fresh.scratch.logits.capacity == 2 * 2 * vocab)
    #expect(allCapacity == expected.prompts.map(\.count).reduce(0, +) * vocab)
    // More rows than were appended: all of them.
    let over = try fresh.forward([[1, 2]], cache: fresh.makeCache(sequences: 1, capacity: 8), lastPositions: 5)
    #expect(over[0].count == 2 * vocab)
}
