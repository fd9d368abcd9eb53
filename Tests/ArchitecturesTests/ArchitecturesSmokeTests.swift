import Testing
@testable import Architectures

@Test func Architectures_moduleBuilds() {
    #expect(Bool(true))
}
