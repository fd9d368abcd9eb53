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

    @Test func largeTensor_isMappedZeroFilledAndWritable() {
        // Above AlignedMemory.mappingThreshold: an anonymous mapping, zero without initialisation.
        let count = AlignedMemory.mappingThreshold / MemoryLayout<Float>.stride + 3
        let t = Tensor(zeros: [count])
        #expect(Int(bitPattern: t.pointer) % Tensor.alignment == 0)
        #expect(t.toArray().allSatisfy { $0 == 0 })
        t.pointer[count - 1] = 5
        #expect(t.pointer[count - 1] == 5)
        let scratch = ScratchBuffer(capacity: 4)
        scratch.reserve(count)  // grows from malloc'd to mapped storage
        #expect(scratch.capacity >= count)
        scratch.pointer[count - 1] = 1
    }

    @Test func rowTable_float16RowsMatchConversion() {
        let values: [Float] = [1, -0.5, 3.25, 1e-3, 65504, -7, 0.1, 2]
        let bits = values.map { Float16($0).bitPattern }
        let table = bits.withUnsafeBytes { RowTable(copyingFloat16: $0.baseAddress!, rows: 2, columns: 4) }
        var row = [Float](repeating: 0, count: 4)
        table.copyRow(1, into: &row)
        #expect(row == values[4...].map { Float(Float16($0)) })
        let fp32 = RowTable(Tensor(zeros: [3, 4]))
        #expect(!fp32.isFloat16 && fp32.rows == 3 && fp32.columns == 4)
    }
}
