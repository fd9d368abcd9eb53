import Foundation

/// The queue between request threads and the inference worker: windows wait here in arrival order and leave in
/// batches packed up to a token budget (TEI's design: the model runs on one thread fed by one queue).
///
/// Admission control lives here too: when the queued windows would exceed the cap, `enqueue` refuses the whole
/// request so the caller can answer "overloaded" at once instead of queueing without bound.
final class BatchQueue: @unchecked Sendable {
    struct Item {
        let job: ScoringJob
        let window: Int
        var length: Int { job.encodings[window].ids.count }
    }

    private let condition = NSCondition()
    // Guarded by `condition`. Slots before `head` were handed to the worker and are nil: a taken window
    // must not keep its job (encodings, texts, completion) alive while it waits for compaction.
    private var items: [Item?] = []
    private var head = 0
    private var isClosed = false

    let maxQueuedWindows: Int

    init(maxQueuedWindows: Int) {
        self.maxQueuedWindows = maxQueuedWindows
    }

    /// Slots held, waiting or not yet compacted (for tests: bounded by twice the windows waiting).
    var storedSlots: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }

    /// Windows waiting now.
    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// Adds every window of `job`, or none: throws `overloaded` when the cap would be exceeded, `unavailable` after
    /// `close()`.
    func enqueue(_ job: ScoringJob) throws(ScoringError) {
        condition.lock()
        defer { condition.unlock() }
        guard !isClosed else { throw .unavailable }
        let waiting = items.count - head
        // A single request larger than the whole queue is still admitted into an empty queue, so it can run.
        guard waiting == 0 || waiting + job.encodings.count <= maxQueuedWindows else {
            throw .overloaded(retryAfterSeconds: 1)
        }
        for window in job.encodings.indices {
            items.append(Item(job: job, window: window))
        }
        condition.signal()
    }

    /// Blocks until windows are waiting, then takes the longest prefix of the queue whose padded size
    /// (count × longest window) fits `maxTokens` and whose count fits `maxSize`; at least one window.
    /// Returns nil once closed and drained.
    func nextBatch(maxSize: Int, maxTokens: Int) -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count {
            if isClosed { return nil }
            condition.wait()
        }
        var batch: [Item] = []
        var longest = 0
        while head < items.count, batch.count < maxSize, let item = items[head] {
            let candidateLongest = max(longest, item.length)
            if !batch.isEmpty, candidateLongest * (batch.count + 1) > maxTokens { break }
            batch.append(item)
            longest = candidateLongest
            items[head] = nil
            head += 1
        }
        // Compact once the taken slots are at least half the array: each move of a waiting slot is paid
        // for by a slot taken before it, so this stays O(1) amortized and the array is at most twice the
        // windows waiting.
        if head == items.count {
            items.removeAll(keepingCapacity: items.count <= maxQueuedWindows)
            head = 0
        } else if head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return batch
    }

    /// Refuses new work; `nextBatch` drains what is queued, then returns nil.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
