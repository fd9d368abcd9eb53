import Testing
@testable import ModelIO

@Test func ModelIO_moduleBuilds() {
    #expect(Bool(true))
}
