import Foundation
import Testing
import Tokenizers
@testable import Scoring

private func makeJob(windows: Int) -> ScoringJob {
    ScoringJob(encodings: Array(repeating: Encoding(ids: [1, 2, 3], typeIds: [0, 0, 0]), count: windows),
               spans: [], threshold: nil, deadline: .now + .seconds(60), isCancelled: { false },
               completion: { _ in })
}

/// Regression (issue 14): windows handed to the worker stayed referenced by the queue (with their job:
/// encodings, texts, completion) until 1,024 had accumulated.
@Test func batchQueue_dropsTakenJobsAtOnce() throws {
    let queue = BatchQueue(maxQueuedWindows: 100)
    weak var weakJob: ScoringJob?
    do {
        let job = makeJob(windows: 2)
        weakJob = job
        try queue.enqueue(job)
    }
    var batch = queue.nextBatch(maxSize: 8, maxTokens: 1000)
    #expect(batch?.count == 2)
    #expect(weakJob != nil)
    batch = nil  // the worker is done with it
    #expect(weakJob == nil, "the queue still references a job it handed out")
    #expect(queue.storedSlots == 0)
}

@Test func batchQueue_storageStaysWithinTwiceTheWaitingWindows() throws {
    let queue = BatchQueue(maxQueuedWindows: 10_000)
    for _ in 0..<50 { try queue.enqueue(makeJob(windows: 3)) }
    // Take one window at a time: what is stored never exceeds twice what is waiting (plus the slot taken).
    while queue.depth > 0 {
        _ = queue.nextBatch(maxSize: 1, maxTokens: 1000)
        #expect(queue.storedSlots <= 2 * queue.depth + 1)
    }
    #expect(queue.storedSlots == 0)
    // Order is kept across compactions.
    let first = makeJob(windows: 1), second = makeJob(windows: 1)
    try queue.enqueue(first)
    try queue.enqueue(second)
    #expect(queue.nextBatch(maxSize: 1, maxTokens: 1000)?.first?.job === first)
    #expect(queue.nextBatch(maxSize: 1, maxTokens: 1000)?.first?.job === second)
}
