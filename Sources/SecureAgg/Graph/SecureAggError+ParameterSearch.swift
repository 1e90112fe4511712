extension SecureAggError {
    /// Why ``ParameterFinder/find(clients:adversarialRate:dropoutRate:adversary:securityBits:correctnessBits:)``
    /// refused its input. Every description names the offending parameter.
    public enum ParameterSearch: Error, Equatable, Sendable, CustomStringConvertible {
        /// The number of clients is below 1.
        case tooFewClients(Int)
        /// The number of clients exceeds ``ParameterFinder/maximumClients`` (10^6).
        case tooManyClients(Int)
        /// The adversarial rate γ is not a finite number in [0, 1).
        case adversarialRateOutOfRange(Double)
        /// The dropout rate δ is not a finite number in [0, 1).
        case dropoutRateOutOfRange(Double)
        /// Adversary class `none` was given with a positive adversarial rate.
        case adversarialRateWithoutAdversary(Double)
        /// Curious (or no) adversary with γ + δ > 0.9: too few honest survivors for any threshold to work.
        case curiousRatesInfeasible(adversarialRate: Double, dropoutRate: Double)
        /// Semi-malicious adversary with γ + 2δ > 0.9.
        case semiMaliciousRatesInfeasible(adversarialRate: Double, dropoutRate: Double)
        /// The security parameter (bits) is not in (0, 256].
        case securityBitsOutOfRange(Double)
        /// The correctness parameter (bits) is not in (0, 256].
        case correctnessBitsOutOfRange(Double)
        /// No even degree below `clients − 1` meets both bounds (typical for very small cohorts with high rates).
        case noParametersFound(clients: Int)

        public var description: String {
            switch self {
            case .tooFewClients(let n):
                return "clients must be at least 1 (got \(n))"
            case .tooManyClients(let n):
                return "clients must be at most \(ParameterFinder.maximumClients) (got \(n))"
            case .adversarialRateOutOfRange(let rate):
                return "adversarial rate must be in [0, 1) (got \(rate))"
            case .dropoutRateOutOfRange(let rate):
                return "dropout rate must be in [0, 1) (got \(rate))"
            case .adversarialRateWithoutAdversary(let rate):
                return "adversarial rate must be 0 with adversary 'none' (got \(rate))"
            case .curiousRatesInfeasible(let gamma, let delta):
                return "adversarial rate + dropout rate must be at most 0.9 (got \(gamma) + \(delta))"
            case .semiMaliciousRatesInfeasible(let gamma, let delta):
                return "adversarial rate + 2 × dropout rate must be at most 0.9 for a semi-malicious adversary "
                    + "(got \(gamma) + 2 × \(delta))"
            case .securityBitsOutOfRange(let bits):
                return "security bits must be in (0, 256] (got \(bits))"
            case .correctnessBitsOutOfRange(let bits):
                return "correctness bits must be in (0, 256] (got \(bits))"
            case .noParametersFound(let n):
                return "clients = \(n) is too few: no degree and threshold meet the security and correctness bounds "
                    + "for these rates"
            }
        }
    }
}
