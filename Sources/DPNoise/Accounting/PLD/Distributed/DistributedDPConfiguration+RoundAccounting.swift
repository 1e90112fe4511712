import Foundation

extension DistributedDPConfiguration {
    /// Rounds of one configuration at one sampling rate, accounted with the accountant asked for: whether PLD
    /// applies, and if not why, is settled once (one ``UnitShiftGDP`` verification), however many (steps, δ) are
    /// then asked.
    ///
    /// Invariants: ``accountant`` is ``Accountant/pld`` exactly when PLD was asked for and the round has a Gaussian
    /// equivalent; ``pldUnavailable`` is non-nil exactly when PLD was asked for and the round has none.
    public struct RoundAccounting: Sendable, Equatable {
        /// The configuration of every round.
        public let configuration: DistributedDPConfiguration
        /// Poisson sampling rate q of every round, in (0, 1] (checked when ε is computed).
        public let samplingRate: Double
        /// PLD grid step h (nats), > 0; used when ``accountant`` is PLD.
        public let discretization: Double
        /// The accountant ε is computed with.
        public let accountant: Accountant
        /// Why PLD was asked for but RDP is used; nil when PLD is used or RDP was asked for.
        public let pldUnavailable: UnitShiftGDP.Unavailable?
        /// The round's Gaussian equivalent at ``samplingRate`` when PLD is used.
        private let equivalent: GaussianEquivalentRound?

        init(configuration: DistributedDPConfiguration, samplingRate q: Double, accountant: Accountant,
             discretization: Double) {
            self.configuration = configuration
            samplingRate = q
            self.discretization = discretization
            var equivalent: GaussianEquivalentRound?
            var unavailable: UnitShiftGDP.Unavailable?
            if accountant == .pld {
                do { equivalent = try configuration.gaussianEquivalent(samplingRate: q) } catch { unavailable = error }
            }
            self.equivalent = equivalent
            pldUnavailable = unavailable
            self.accountant = equivalent == nil ? .rdp : .pld
        }

        /// (ε, δ) after `steps` ≥ 1 rounds at `delta` in (0, 1): the PLD of the Gaussian equivalent (after the
        /// theorem's preconditions are checked) when ``accountant`` is PLD, else
        /// ``DistributedDPConfiguration/epsilon(samplingRate:steps:delta:)``; the result names the accountant.
        public func epsilon(steps: Int, delta: Double) throws(DPNoiseError.Accounting) -> AccountedGuarantee {
            if let round = equivalent {
                try Check.samplingRate(samplingRate)
                try Check.steps(steps)
                try configuration.checkTheoremPreconditions()
                let e = try DistributedPLD.epsilon(rounds: [round], repeats: steps, delta: delta,
                                                   discretization: discretization)
                return AccountedGuarantee(epsilon: e, delta: delta, accountant: .pld, order: nil,
                                          discretization: discretization)
            }
            let g = try configuration.epsilon(samplingRate: samplingRate, steps: steps, delta: delta)
            return AccountedGuarantee(epsilon: g.epsilon, delta: delta, accountant: .rdp, order: g.order,
                                      discretization: nil)
        }
    }

    /// This configuration's rounds at sampling rate q accounted with `accountant` (grid step `discretization` for
    /// PLD): the Gaussian equivalent is derived here, once, when PLD is asked for.
    public func accounting(
        samplingRate q: Double, accountant: Accountant, discretization: Double = PLDAccountant.defaultDiscretization
    ) -> RoundAccounting {
        RoundAccounting(configuration: self, samplingRate: q, accountant: accountant, discretization: discretization)
    }
}
