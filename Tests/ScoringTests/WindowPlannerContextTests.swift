import Testing
@testable import Scoring

private func tokens(_ range: Range<Int>) -> [Int32] { range.map { Int32($0) } }

private let planner = WindowPlanner(maxLength: 12, specialTokensSingle: 2, specialTokensPair: 3,
                                    policy: .slidingWindow, maxWindows: 64)

@Test func windowPlannerContext_fillsTheRoomInFrontOfAShortPromptNearestTurnsFirst() {
    // Budget 10: the prompt's 5 tokens and the context's last 5.
    let plan = planner.plan(prompt: tokens(0 ..< 5), response: nil, context: tokens(100 ..< 108))
    #expect(plan.segments.count == 1)
    #expect(Array(plan.segments[0].first) == tokens(103 ..< 108) + tokens(0 ..< 5))
    // Coordinates are those of context + prompt: the context is below index 8.
    #expect(plan.segments[0].first.indices == 3 ..< 13)
    #expect(!plan.isTruncated)
    #expect(plan.tokenCount == 13)
}

@Test func windowPlannerContext_pairKeepsPromptAndResponseWhole() {
    // Budget 9: response 4, prompt 3, context tail 2.
    let plan = planner.plan(prompt: tokens(0 ..< 3), response: tokens(50 ..< 54), context: tokens(100 ..< 110))
    #expect(plan.segments == [.init(first: (tokens(100 ..< 110) + tokens(0 ..< 3))[8 ..< 13],
                                    second: tokens(50 ..< 54)[...])])
    #expect(!plan.isTruncated)
    #expect(plan.tokenCount == 17)
}

@Test func windowPlannerContext_isLeftOutWhenTheJudgedTextNeedsTheWholeWindow() {
    let context = tokens(100 ..< 104)
    for (prompt, response) in [(tokens(0 ..< 25), nil), (tokens(0 ..< 20), tokens(50 ..< 62)),
                               (tokens(0 ..< 2), tokens(50 ..< 70))] as [([Int32], [Int32]?)] {
        let plain = planner.plan(prompt: prompt, response: response)
        let withContext = planner.plan(prompt: prompt, response: response, context: context)
        #expect(withContext.segments.map { Array($0.first) } == plain.segments.map { Array($0.first) })
        #expect(withContext.segments.map { $0.second.map(Array.init) }
                == plain.segments.map { $0.second.map(Array.init) })
        #expect(withContext.segments.allSatisfy { $0.first.startIndex >= context.count })
        #expect(withContext.isTruncated == plain.isTruncated)
        #expect(withContext.tokenCount == plain.tokenCount + context.count)
    }
}

@Test func windowPlannerContext_emptyContextIsThePlainPlan() {
    #expect(planner.plan(prompt: tokens(0 ..< 25), response: nil, context: [])
            == planner.plan(prompt: tokens(0 ..< 25), response: nil))
}
