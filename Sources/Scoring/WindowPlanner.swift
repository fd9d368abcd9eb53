/// Splits a tokenized input into the model-sized windows that are scored.
///
/// The rule (documented in the README and mirrored by the training recipe's evaluation):
/// - A prompt alone that fits in `maxLength` (special tokens included) is one window. A longer one is cut into
///   windows of the full budget that overlap by half; the last window ends at the last token.
/// - A pair that fits is one window. Otherwise the prompt keeps its *last* tokens (jailbreak wrappers put the actual
///   request at the end), up to half the budget when the response needs more, and the response is cut into
///   half-overlapping windows that each follow that prompt tail.
/// - `.truncate` keeps one window instead: the head of a prompt, or HF-style `longest_first` truncation for a pair.
/// - Conversation context (earlier turns) is read in front of the prompt only as far as the judged text leaves
///   room in its one window, nearest turns first (`plan(prompt:response:context:)`); when the judged text needs
///   the whole window or more, the context is left out and the rules above apply. Dropped context does not count
///   as truncation: `isTruncated` speaks of the judged text only.
/// The input's score is the maximum over its windows.
struct WindowPlanner: Sendable {
    struct Plan: Sendable, Equatable {
        /// Token spans to score: each is (first sequence, optional second sequence) before special tokens.
        var segments: [Segment]
        /// True when some content token appears in no window.
        var isTruncated: Bool
        /// Content tokens of the whole input.
        var tokenCount: Int
    }

    struct Segment: Sendable, Equatable {
        var first: ArraySlice<Int32>
        var second: ArraySlice<Int32>?
    }

    /// Window length including special tokens.
    var maxLength: Int
    var specialTokensSingle: Int
    var specialTokensPair: Int
    var policy: LongInputPolicy
    var maxWindows: Int

    func plan(prompt: [Int32], response: [Int32]?) -> Plan {
        if let response {
            return planPair(prompt: prompt, response: response)
        }
        return planSingle(prompt)
    }

    /// Plans `context + prompt` (and the response): segments' `first` slices index `context + prompt`, so the
    /// context's tokens are those below `context.count`. `tokenCount` includes the context.
    func plan(prompt: [Int32], response: [Int32]?, context: [Int32]) -> Plan {
        guard !context.isEmpty else { return plan(prompt: prompt, response: response) }
        let combined = context + prompt
        let budget = response == nil ? max(1, maxLength - specialTokensSingle) : max(2, maxLength - specialTokensPair)
        let judged = prompt.count + (response?.count ?? 0)
        guard judged > budget else {
            // The judged text fits in one window: the context's tail fills the room in front of it.
            let first = combined.suffix(budget - (response?.count ?? 0))
            return Plan(segments: [Segment(first: first, second: response?[...])], isTruncated: false,
                        tokenCount: context.count + judged)
        }
        var plan = plan(prompt: prompt, response: response)
        let shift = context.count
        plan.segments = plan.segments.map {
            Segment(first: combined[($0.first.startIndex + shift) ..< ($0.first.endIndex + shift)], second: $0.second)
        }
        plan.tokenCount += shift
        return plan
    }

    private func planSingle(_ tokens: [Int32]) -> Plan {
        let budget = max(1, maxLength - specialTokensSingle)
        if tokens.count <= budget {
            return Plan(segments: [Segment(first: tokens[...], second: nil)], isTruncated: false, tokenCount: tokens.count)
        }
        if policy == .truncate {
            return Plan(segments: [Segment(first: tokens.prefix(budget), second: nil)], isTruncated: true,
                        tokenCount: tokens.count)
        }
        let (starts, isCapped) = windowStarts(count: tokens.count, window: budget)
        let segments = starts.map { Segment(first: tokens[$0 ..< min($0 + budget, tokens.count)], second: nil) }
        return Plan(segments: segments, isTruncated: isCapped, tokenCount: tokens.count)
    }

    private func planPair(prompt: [Int32], response: [Int32]) -> Plan {
        let budget = max(2, maxLength - specialTokensPair)
        let total = prompt.count + response.count
        if total <= budget {
            return Plan(segments: [Segment(first: prompt[...], second: response[...])], isTruncated: false,
                        tokenCount: total)
        }
        if policy == .truncate {
            let (first, second) = truncateLongestFirst(prompt, response, budget: budget)
            return Plan(segments: [Segment(first: first, second: second)], isTruncated: true, tokenCount: total)
        }
        // The prompt gets what the response leaves, but never less than half the budget when it is long enough.
        let promptKeep = min(prompt.count, max(budget - response.count, budget / 2))
        let promptTail = prompt.suffix(promptKeep)
        let responseBudget = max(1, budget - promptKeep)
        var isTruncated = promptKeep < prompt.count
        if response.count <= responseBudget {
            return Plan(segments: [Segment(first: promptTail, second: response[...])], isTruncated: isTruncated,
                        tokenCount: total)
        }
        let (starts, isCapped) = windowStarts(count: response.count, window: responseBudget)
        isTruncated = isTruncated || isCapped
        let segments = starts.map {
            Segment(first: promptTail, second: response[$0 ..< min($0 + responseBudget, response.count)])
        }
        return Plan(segments: segments, isTruncated: isTruncated, tokenCount: total)
    }

    /// Starts of half-overlapping windows covering `count` tokens; the last window ends at the end. When more than
    /// `maxWindows` would be needed, keeps the first `maxWindows - 1` and the last, and reports the cut.
    private func windowStarts(count: Int, window: Int) -> (starts: [Int], isCapped: Bool) {
        let stride = max(1, window / 2)
        var starts: [Int] = []
        var start = 0
        while true {
            if start + window >= count {
                starts.append(max(0, count - window))
                break
            }
            starts.append(start)
            start += stride
        }
        // Drop a duplicate start that the end alignment can produce.
        if starts.count >= 2, starts[starts.count - 1] == starts[starts.count - 2] { starts.removeLast() }
        guard starts.count > maxWindows, maxWindows >= 1 else { return (starts, false) }
        if maxWindows == 1 { return ([starts[0]], true) }
        return (Array(starts.prefix(maxWindows - 1)) + [starts[starts.count - 1]], true)
    }

    /// HF tokenizers' `longest_first`: remove one token at a time from the end of the longer sequence.
    private func truncateLongestFirst(_ a: [Int32], _ b: [Int32], budget: Int) -> (ArraySlice<Int32>, ArraySlice<Int32>) {
        var lengthA = a.count
        var lengthB = b.count
        while lengthA + lengthB > budget {
            if lengthA > lengthB { lengthA -= 1 } else { lengthB -= 1 }
        }
        return (a.prefix(lengthA), b.prefix(lengthB))
    }
}
