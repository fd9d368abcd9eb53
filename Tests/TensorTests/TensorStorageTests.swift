import Testing
@testable import Tensor

@Suite struct TensorStorageTests {
    @Test func zeros_isAlignedAndZeroFilled() {
        let t = Tensor(zeros: [3, 5])
        #expect(t.count == 15)
        #expect(Int(bitPattern: t.pointer) % Tensor.alignment == 0)
        let allZero = t.toArray().allSatisfy { $0 == 0 }
        #expect(allZero)
        #expect(t.isOwned)
    }

    @Test func initWithValues_rejectsWrongCount() throws {
        #expect(throws: TensorError.elementCountMismatch(shape: [2, 2], count: 3)) {
            try Tensor(shape: [2, 2], values: [1, 2, 3])
        }
        let t = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        #expect(t.toArray() == [1, 2, 3, 4])
    }

    @Test func borrowed_sharesMemoryAndKeepsOwnerAlive() {
        final class Owner { let storage = Tensor(zeros: [4]) }
        var owner: Owner? = Owner()
        let borrowed = Tensor(shape: [4], borrowing: owner!.storage.pointer, owner: owner!)
        owner!.storage.pointer[2] = 7
        owner = nil  // the borrowed tensor must keep the owner (and its memory) alive
        #expect(borrowed.toArray() == [0, 0, 7, 0])
        #expect(!borrowed.isOwned)
    }

    @Test func scratchBuffer_growsOnlyWhenNeeded() {
        let scratch = ScratchBuffer(capacity: 10)
        let first = scratch.reserve(8)
        #expect(scratch.reserve(10) == first)
        scratch.reserve(11)
        #expect(scratch.capacity >= 15)  // grows by at least 1.5x
        #expect(Int(bitPattern: scratch.pointer) % Tensor.alignment == 0)
    }
}
