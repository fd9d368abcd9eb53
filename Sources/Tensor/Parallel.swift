import Dispatch

/// Fork-join over a few worker threads for the forward pass (Dispatch's `concurrentPerform`, never
/// the Swift concurrency cooperative pool, which must not block on BLAS-sized work).
public enum Parallel {
    /// Runs `body(i)` for i in 0..<iterations, concurrently, and returns when all are done.
    ///
    /// `body` may capture raw pointers: callers guarantee the iterations touch disjoint memory.
    public static func forEach(iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = Box(body: escapable)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.body($0) }
        }
    }

    /// Splits 0..<count into at most `threads` contiguous chunks of at least `minimumChunk` items (fewer chunks
    /// when there is too little work) and runs `body` on each chunk concurrently.
    public static func forEachChunk(of count: Int, threads: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = Swift.max(1, Swift.min(threads, count / Swift.max(1, minimumChunk)))
        let step = (count + parts - 1) / parts
        forEach(iterations: parts) { i in
            let range = (i * step)..<Swift.min(count, i * step + step)
            if !range.isEmpty { body(range) }
        }
    }

    /// Carries the closure into `concurrentPerform`'s Sendable closure; safe because the
    /// iterations are data-disjoint by the caller's contract and the join ends every use.
    private struct Box: @unchecked Sendable { let body: (Int) -> Void }
}
