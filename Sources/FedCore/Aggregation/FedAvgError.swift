/// Why a FedAvg computation was refused.
public enum FedAvgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No vectors to average.
    case noUpdates
    /// Vector `index` has `actual` coordinates where `expected` were required.
    case dimensionMismatch(index: Int, expected: Int, actual: Int)
    /// Weight `index` is NaN, infinite or negative, or the weight count differs from the vector count.
    case invalidWeight(index: Int, detail: String)
    /// `maxWeight` is not finite or is below 1.
    case invalidMaxWeight(Double)
    /// The server learning rate is not finite.
    case invalidLearningRate(Double)
    /// A vector holds a NaN or infinite coordinate.
    case nonFiniteValue(index: Int, coordinate: Int)

    public var description: String {
        switch self {
        case .noUpdates: "no updates to average"
        case .dimensionMismatch(let i, let e, let a): "update \(i) has \(a) coordinates, expected \(e)"
        case .invalidWeight(let i, let d): "weight \(i): \(d)"
        case .invalidMaxWeight(let w): "max weight \(w) must be finite and ≥ 1"
        case .invalidLearningRate(let l): "server learning rate \(l) must be finite"
        case .nonFiniteValue(let i, let c): "update \(i) has a non-finite value at coordinate \(c)"
        }
    }
}
