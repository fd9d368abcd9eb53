import Testing
@testable import GuardService

@Test func GuardService_moduleBuilds() {
    #expect(Bool(true))
}
