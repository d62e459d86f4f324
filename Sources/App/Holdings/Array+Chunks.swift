extension Array {
    /// The elements in consecutive slices of at most `size` (at least 1), in order; none for an empty array. For
    /// multi-row statements that must stay under a database's parameter limit.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        let step = Swift.max(1, size)
        return stride(from: 0, to: count, by: step).map { self[$0..<Swift.min($0 + step, count)] }
    }
}
