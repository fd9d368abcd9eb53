import Testing
@testable import Tensor

/// Regression (issue 14): `ScratchBuffer` only grew, so one long request kept its memory for the
/// life of the process.
@Test func scratchBuffer_shrinksAfterASpike() {
    let buffer = ScratchBuffer()
    let small = 1_000, spike = 4_000_000  // 16 MB of floats
    buffer.reserve(small)
    buffer.reserve(spike)
    #expect(buffer.capacity >= spike)
    for _ in 0..<(2 * ScratchBuffer.shrinkWindow) { buffer.reserve(small) }
    #expect(buffer.capacity == small)
    // Writable over the whole requested range after shrinking.
    let pointer = buffer.reserve(small)
    pointer.update(repeating: 1, count: small)
}

@Test func scratchBuffer_steadySizesDoNotReallocate() {
    let buffer = ScratchBuffer()
    let size = 1_000_000
    let first = buffer.reserve(size)
    for i in 0..<(3 * ScratchBuffer.shrinkWindow) {
        // Sizes between half and all of the first request: never worth shrinking.
        #expect(buffer.reserve(size - (i % 7) * 50_000) == first)
    }
    #expect(buffer.capacity == size)
}

@Test func scratchBuffer_smallBuffersAreLeftAlone() {
    let buffer = ScratchBuffer()
    buffer.reserve(ScratchBuffer.minimumShrinkBytes / MemoryLayout<Float>.stride / 2)
    let capacity = buffer.capacity
    for _ in 0..<(2 * ScratchBuffer.shrinkWindow) { buffer.reserve(1) }
    #expect(buffer.capacity == capacity)
}
