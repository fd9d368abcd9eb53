import Testing
@testable import Scoring

@Test func Scoring_moduleBuilds() {
    #expect(Bool(true))
}
