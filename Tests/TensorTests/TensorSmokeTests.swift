import Testing
@testable import Tensor

@Test func Tensor_moduleBuilds() {
    #expect(Bool(true))
}
