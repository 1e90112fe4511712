/// L2 norms and distances of flat parameter vectors (model units), for the tests' plain-arithmetic oracles.
public enum VectorNorms {
    /// ‖v‖₂, computed with scaling so it neither overflows nor underflows for finite input.
    public static func l2Norm(_ v: [Double]) -> Double {
        let largest = v.reduce(0) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return largest }
        var sum = 0.0
        for x in v {
            let s = x / largest
            sum += s * s
        }
        return largest * sum.squareRoot()
    }

    /// ‖a − b‖₂. - Precondition: equal lengths.
    public static func l2Distance(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "vectors of different lengths")
        return l2Norm(zip(a, b).map { $0 - $1 })
    }

    /// max |aᵢ − bᵢ|. - Precondition: equal lengths.
    public static func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "vectors of different lengths")
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// `v` scaled so its L2 norm is at most `bound` (unchanged when already within it).
    /// - Precondition: `bound` finite and ≥ 0.
    public static func clipped(_ v: [Double], toNorm bound: Double) -> [Double] {
        precondition(bound.isFinite && bound >= 0)
        let norm = l2Norm(v)
        guard norm > bound, norm > 0 else { return v }
        let factor = bound / norm
        return v.map { $0 * factor }
    }
}
