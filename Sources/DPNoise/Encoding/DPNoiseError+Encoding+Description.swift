/// Sentences for users: what happened and, where useful, what to change.
extension DPNoiseError.Encoding: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidParameter(let what): return "invalid encoding parameter: \(what)"
        case .dimensionMismatch(let expected, let actual):
            return "the update has \(actual) values, the round's model has \(expected)"
        case .nonFiniteInput(let index): return "the update holds NaN or infinity at coordinate \(index)"
        case .valueOutOfRange(let index): return "the sum to decode has a value ≥ 2^bits at coordinate \(index)"
        case .roundingAttemptsExhausted(let attempts):
            return "conditional rounding did not meet its norm bound in \(attempts) attempts (raise the round's bits or β)"
        case .noise(let e): return "the exact noise sampler refused the round's noise: \(e)"
        }
    }
}

extension DPNoiseError.Sampler: CustomStringConvertible {
    public var description: String {
        switch self {
        case .zeroDenominator: return "a rational parameter has a zero denominator"
        case .nonPositiveParameter: return "a variance or scale is zero"
        case .probabilityAboveOne: return "a probability exceeds 1"
        case .parameterOutOfRange:
            return "the parameter is beyond the exact sampler's integer range (discrete Gaussian σ ≤ 2^21, Skellam "
                + "variance ≤ 2^41 integer units): use fewer bits or more noise per client"
        }
    }
}
