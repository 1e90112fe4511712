extension RandomAccessCollection where Index == Int {
    /// Position of the element whose id (`id(element)`) equals `target`, by binary search; nil when none does.
    /// Invariant the caller keeps: the ids are strictly ascending along the collection (cohorts, advertisements and
    /// neighbour lists are, by construction or by check).
    @inline(__always)
    func ascendingIndex(of target: UInt32, id: (Element) -> UInt32) -> Int? {
        var lo = startIndex
        var hi = endIndex
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let value = id(self[mid])
            if value == target { return mid }
            if value < target { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }
}
