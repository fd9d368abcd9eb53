import Testing
@testable import HTTPServer

@Test func HTTPServer_moduleBuilds() {
    #expect(Bool(true))
}
