import Foundation

extension FedCoreError {
    /// Why a client refuses a round or a policy. Each case reads as a sentence that names the rule and the values.
    public enum Policy: Error, Sendable, Equatable, CustomStringConvertible {
        /// The policy itself is invalid (file, field, range).
        case invalid(String)
        /// The round adds no noise and the policy does not allow that.
        case noNoise(round: UInt64)
        /// The announced minimum survivors is below the policy's, or leaves too few honest noise shares.
        case tooFewSurvivors(round: UInt64, announced: Int, required: Int)
        /// The announced noise multiplier (counting M − c honest shares) is below the policy's minimum.
        case noiseTooLow(round: UInt64, noiseMultiplier: Double, required: Double)
        /// Taking the round would raise the client's ε above its maximum (`spent` is ∞ after a no-DP round).
        case epsilonExceeded(round: UInt64, epsilonAfter: Double, maximum: Double, delta: Double)
        /// The announced parameters cannot be accounted (out of range).
        case unaccountable(round: UInt64, reason: String)
        /// The client ledger could not be read or written.
        case ledger(String)

        public var description: String {
            switch self {
            case .invalid(let s): return "invalid client policy: \(s)"
            case .noNoise(let r):
                return "round \(r) adds no noise; this client refuses rounds without differential privacy "
                    + "(pass --allow-no-dp to take them)"
            case .tooFewSurvivors(let r, let announced, let required):
                return "round \(r) announces min_survivors \(announced); this client's policy requires at least "
                    + "\(required) (--min-survivors, plus --colluders + 2 honest noise shares)"
            case .noiseTooLow(let r, let z, let required):
                return "round \(r) adds noise with multiplier \(format(z)) (counting only honest survivors); this "
                    + "client's policy requires at least \(format(required)) (--min-noise-multiplier)"
            case .epsilonExceeded(let r, let after, let maximum, let delta):
                let spent = after.isFinite ? format(after) : "∞ (a round without noise was taken)"
                return "round \(r) would raise this client's ε to \(spent) at δ = \(delta), above its limit "
                    + "\(format(maximum)) (--max-epsilon; earlier rounds in --ledger count)"
            case .unaccountable(let r, let reason):
                return "round \(r)'s announced noise cannot be accounted: \(reason)"
            case .ledger(let s): return "client ledger: \(s)"
            }
        }
    }
}

private func format(_ x: Double) -> String {
    x.isFinite ? String(format: "%.4g", x) : "∞"
}
