import Foundation

/// One distributed-DP round as the PLD accountant composes it: the Gaussian mechanism with noise multiplier
/// ``noiseMultiplier`` (on the same Poisson sample), except on an event of probability at most ``tailSlack``.
///
/// Derivation (Docs/privacy.md, "PLD for the distributed mechanisms"): each coordinate i of the released sum is
/// X_i + v_i with |v_i| ≤ ⌊Δ2⌋ (integer units) and, by ``UnitShiftGDP``, dominated by a Gaussian shift
/// μ₁·|v_i| with atoms of mass η. Products of such pairs are again such a pair with μ = μ₁·‖v‖₂ ≤ μ₁·Δ2 and
/// η_R = 1 − (1 − η)^m, where m ≤ min(d, ⌊Δ1⌋, ⌊Δ2²⌋) counts the coordinates v can move (each moves by ≥ 1).
/// Poisson subsampling and adaptive composition keep the split (Zhu, Dong, Wang 2022, dominating pairs), so
/// T rounds are (ε, δ_PLD(ε) + Σ η_R)-DP where δ_PLD is the Gaussian PLD of the rounds' equivalents.
public struct GaussianEquivalentRound: Sendable, Equatable, Hashable {
    /// z = 1/(μ₁·Δ2): the equivalent Gaussian noise multiplier (dimensionless), > 0.
    public let noiseMultiplier: Double
    /// η_R: the probability mass the equivalence leaves out (added to δ), ≥ 0.
    public let tailSlack: Double
    /// Poisson sampling rate q of the round in (0, 1].
    public let samplingRate: Double

    public init(noiseMultiplier: Double, tailSlack: Double, samplingRate: Double) {
        self.noiseMultiplier = noiseMultiplier
        self.tailSlack = tailSlack
        self.samplingRate = samplingRate
    }

    /// The equivalent of a round whose coordinates each satisfy `unit`, with sensitivities Δ2 = `l2` and
    /// Δ1 = `l1` (integer units, > 0) over `dimension` coordinates: z = 1/(μ₁·Δ2), η_R = 1 − (1 − η)^m.
    public init(unit: UnitShiftGDP, l2: Double, l1: Double, dimension: Int, samplingRate: Double) {
        let moved = min(Double(dimension), l1.rounded(.down), (l2 * l2).rounded(.down))
        self.init(noiseMultiplier: 1 / (unit.unitShiftMu * l2),
                  tailSlack: -Foundation.expm1(moved * Foundation.log1p(-unit.tailMass)), samplingRate: samplingRate)
    }

    /// The equivalent of a round of `mechanism` whose released sum carries noise of variance `variance` (integer
    /// units², all honest shares together) with closeness `tau` (the distributed discrete Gaussian's τ; ignored
    /// for Skellam), sensitivities Δ2 = `l2` and Δ1 = `l1` (integer units) over `dimension` coordinates, at
    /// Poisson sampling rate `samplingRate` in (0, 1]: ``UnitShiftGDP`` verified for shifts up to max(1, ⌊Δ2⌋),
    /// then ``init(unit:l2:l1:dimension:samplingRate:)``.
    ///
    /// - Throws: ``UnitShiftGDP/Unavailable/invalid(_:)`` unless Δ2 and Δ1 are finite and > 0, else what
    ///   ``UnitShiftGDP/verify(mechanism:variance:tau:maxShift:tailMass:)`` throws: the round has no equivalent
    ///   and only RDP applies.
    public init(
        mechanism: DistributedMechanism, variance: Double, tau: Double, l2: Double, l1: Double, dimension: Int,
        samplingRate: Double
    ) throws(UnitShiftGDP.Unavailable) {
        guard l2.isFinite, l2 > 0, l1.isFinite, l1 > 0 else { throw .invalid("sensitivities must be positive") }
        let unit = try UnitShiftGDP.verify(
            mechanism: mechanism, variance: variance, tau: tau, maxShift: max(1, Int(l2.rounded(.down))))
        self.init(unit: unit, l2: l2, l1: l1, dimension: dimension, samplingRate: samplingRate)
    }
}

extension DistributedDPConfiguration {
    /// The round's Gaussian equivalent at sampling rate q, or why none is computed (then only RDP applies).
    public func gaussianEquivalent(samplingRate q: Double) throws(UnitShiftGDP.Unavailable) -> GaussianEquivalentRound {
        try GaussianEquivalentRound(
            mechanism: mechanism, variance: Double(effectiveClients) * localScaledVariance.value, tau: tau,
            l2: inflatedL2 * scale, l1: inflatedL1 * scale, dimension: dimension, samplingRate: q)
    }

    /// Why the PLD accountant cannot account this configuration (it then uses RDP), or nil when it can.
    public var pldUnavailability: String? {
        accounting(samplingRate: 1, accountant: .pld).pldUnavailable?.description
    }

    /// (ε, δ) after `steps` rounds at sampling rate q with `accountant`. PLD falls back to RDP (and says so in
    /// the result's ``AccountedGuarantee/accountant``) when no Gaussian equivalent is computed. To ask several
    /// (steps, δ), or to learn why PLD fell back, derive the equivalent once with
    /// ``accounting(samplingRate:accountant:discretization:)``.
    public func epsilon(
        samplingRate q: Double, steps: Int, delta: Double, accountant: Accountant,
        discretization: Double = PLDAccountant.defaultDiscretization
    ) throws(DPNoiseError.Accounting) -> AccountedGuarantee {
        try accounting(samplingRate: q, accountant: accountant, discretization: discretization)
            .epsilon(steps: steps, delta: delta)
    }
}

/// ε of composed distributed-DP rounds through their Gaussian equivalents (``GaussianEquivalentRound``).
public enum DistributedPLD {
    /// ε at `delta` of `rounds` (each repeated `repeats` times), accounted at δ − Σ η_R; ∞ when the slack
    /// uses up δ.
    public static func epsilon(
        rounds: [GaussianEquivalentRound], repeats: Int = 1, delta: Double,
        discretization: Double = PLDAccountant.defaultDiscretization
    ) throws(DPNoiseError.Accounting) -> Double {
        try Check.delta(delta)
        try Check.steps(repeats)
        guard !rounds.isEmpty else { return 0 }
        var counts: [GaussianEquivalentRound: Int] = [:]
        var order: [GaussianEquivalentRound] = []
        var slack = 0.0
        for round in rounds {
            if counts[round] == nil { order.append(round) }
            counts[round, default: 0] += repeats
            slack += round.tailSlack * Double(repeats)
        }
        let rest = delta - slack
        guard rest > 0 else { return .infinity }
        let events = order.map { round in
            RepeatedEvent(
                round.samplingRate < 1
                    ? .sampledGaussian(noiseMultiplier: round.noiseMultiplier, samplingRate: round.samplingRate)
                    : .gaussian(noiseMultiplier: round.noiseMultiplier),
                count: counts[round] ?? 1)
        }
        return try PLDAccountant.epsilon(events: events, delta: rest, discretization: discretization).epsilon
    }
}
