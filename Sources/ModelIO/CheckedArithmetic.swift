/// Overflow-checked size arithmetic for values read from model files. A header may claim any
/// dimensions; multiplying them unchecked traps (SIGILL) and takes the whole server down, so every
/// size derived from a file goes through these helpers and a nil result becomes a `ModelIOError`.
extension Sequence where Element == Int {
    /// The product of the elements and `factor`, or nil when a factor is negative or the product
    /// overflows `Int`.
    public func checkedProduct(times factor: Int = 1) -> Int? {
        guard factor >= 0, allSatisfy({ $0 >= 0 }) else { return nil }
        if factor == 0 || contains(0) { return 0 }
        var product = factor
        for value in self {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }
}

extension Int {
    /// `self + other`, or nil on overflow.
    public func checkedAdding(_ other: Int) -> Int? {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? nil : sum
    }

    /// `self · other`, or nil on overflow.
    public func checkedMultiplying(by other: Int) -> Int? {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : product
    }
}
