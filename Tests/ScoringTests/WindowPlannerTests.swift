import Foundation
import Testing
@testable import Scoring

private func tokens(_ range: Range<Int>) -> [Int32] { range.map { Int32($0) } }

private let planner = WindowPlanner(maxLength: 12, specialTokensSingle: 2, specialTokensPair: 3,
                                    policy: .slidingWindow, maxWindows: 64)

@Test func windowPlanner_shortPromptIsOneWindow() {
    let plan = planner.plan(prompt: tokens(0 ..< 10), response: nil)
    #expect(plan.segments.count == 1)
    #expect(Array(plan.segments[0].first) == tokens(0 ..< 10))
    #expect(plan.segments[0].second == nil)
    #expect(!plan.isTruncated)
    #expect(plan.tokenCount == 10)
}

@Test func windowPlanner_longPromptWindowsOverlapByHalfAndCoverTheEnd() {
    // Budget 10, stride 5: starts 0, 5, 10, 15 (aligned to end: 25 - 10 = 15).
    let plan = planner.plan(prompt: tokens(0 ..< 25), response: nil)
    let starts = plan.segments.map { $0.first.first! }
    #expect(starts == [0, 5, 10, 15])
    #expect(plan.segments.allSatisfy { $0.first.count == 10 })
    #expect(plan.segments.last!.first.last! == 24)
    #expect(!plan.isTruncated)
}

@Test func windowPlanner_everyTokenIsInSomeWindow() {
    for count in 1 ..< 60 {
        let plan = planner.plan(prompt: tokens(0 ..< count), response: nil)
        let covered = Set(plan.segments.flatMap { Array($0.first) })
        #expect(covered == Set(tokens(0 ..< count)), "count \(count)")
    }
}

@Test func windowPlanner_pairThatFitsIsOneWindow() {
    let plan = planner.plan(prompt: tokens(0 ..< 4), response: tokens(100 ..< 105))
    #expect(plan.segments == [.init(first: tokens(0 ..< 4)[...], second: tokens(100 ..< 105)[...])])
    #expect(!plan.isTruncated)
    #expect(plan.tokenCount == 9)
}

@Test func windowPlanner_longPairKeepsPromptTailAndWindowsTheResponse() {
    // Budget 9: the prompt keeps its last 4 tokens (half), the response gets windows of 5 with stride 2.
    let plan = planner.plan(prompt: tokens(0 ..< 20), response: tokens(100 ..< 112))
    #expect(plan.segments.allSatisfy { Array($0.first) == tokens(16 ..< 20) })
    let covered = Set(plan.segments.flatMap { Array($0.second!) })
    #expect(covered == Set(tokens(100 ..< 112)))
    #expect(plan.segments.allSatisfy { $0.first.count + $0.second!.count <= 9 })
    #expect(plan.isTruncated, "the prompt head was never seen")
}

@Test func windowPlanner_shortResponseLetsThePromptUseTheRest() {
    let plan = planner.plan(prompt: tokens(0 ..< 20), response: tokens(100 ..< 102))
    #expect(plan.segments.count == 1)
    #expect(Array(plan.segments[0].first) == tokens(13 ..< 20))
    #expect(Array(plan.segments[0].second!) == tokens(100 ..< 102))
}

@Test func windowPlanner_truncatePolicyKeepsOneWindowAndSaysSo() {
    var truncating = planner
    truncating.policy = .truncate
    let single = truncating.plan(prompt: tokens(0 ..< 30), response: nil)
    #expect(single.segments.count == 1)
    #expect(Array(single.segments[0].first) == tokens(0 ..< 10))
    #expect(single.isTruncated)
    let pair = truncating.plan(prompt: tokens(0 ..< 3), response: tokens(100 ..< 120))
    #expect(Array(pair.segments[0].first) == tokens(0 ..< 3))
    #expect(Array(pair.segments[0].second!) == tokens(100 ..< 106), "longest_first cuts the longer sequence")
}

@Test func windowPlanner_windowCapKeepsFirstAndLastAndReportsTruncation() {
    var capped = planner
    capped.maxWindows = 3
    let plan = capped.plan(prompt: tokens(0 ..< 100), response: nil)
    #expect(plan.segments.count == 3)
    #expect(plan.segments.first!.first.first! == 0)
    #expect(plan.segments.last!.first.last! == 99)
    #expect(plan.isTruncated)
}

@Test func windowPlanner_emptyResponseIsStillAPair() {
    let plan = planner.plan(prompt: tokens(0 ..< 3), response: [])
    #expect(plan.segments.count == 1)
    #expect(plan.segments[0].second?.isEmpty == true)
}

/// The server's windows equal the training recipe's (`Models/recipe/windows.py`, via make_window_fixture.py) on a
/// grid of prompt and response lengths: the default model is trained and validated on exactly what is scored.
@Test func windowPlanner_matchesTheTrainingRecipe() throws {
    struct Case: Decodable {
        struct Window: Decodable { var prompt: [Int]; var response: [Int]? }
        var max_length: Int
        var prompt: Int
        var response: Int?
        var windows: [Window]
    }
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/fixtures/scoring/windows.json")
    let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
    #expect(cases.count > 900)
    for c in cases {
        let planner = WindowPlanner(maxLength: c.max_length, specialTokensSingle: 2, specialTokensPair: 3,
                                    policy: .slidingWindow, maxWindows: 1000)
        let prompt = tokens(0 ..< c.prompt), response = c.response.map { tokens(1000 ..< 1000 + $0) }
        let got = planner.plan(prompt: prompt, response: response).segments.map { segment -> [Int] in
            let p = [Int(segment.first.first!), Int(segment.first.last!) + 1]
            guard let second = segment.second else { return p }
            return p + [Int(second.first!) - 1000, Int(second.last!) - 1000 + 1]
        }
        let want = c.windows.map { $0.prompt + ($0.response ?? []) }
        #expect(got == want, "max_length \(c.max_length), prompt \(c.prompt), response \(String(describing: c.response))")
    }
}
