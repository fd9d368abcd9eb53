import Testing
@testable import Tokenizers

@Test func Tokenizers_moduleBuilds() {
    #expect(Bool(true))
}
