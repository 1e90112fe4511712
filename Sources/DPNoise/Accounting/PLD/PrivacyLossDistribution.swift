import Foundation

/// A discretised, pessimistic privacy-loss distribution (PLD) under add/remove-one adjacency: one PMF per
/// direction (a single one when both coincide). Every (ε, δ) read from it is a valid upper bound for the
/// mechanism(s) it was built from (Koskela, Jälkö, Honkela 2020; Doroshenko et al. 2022).
///
/// All losses live on the grid `discretization`·ℤ (nats); composition needs equal grids.
public struct PrivacyLossDistribution: Sendable, Equatable {
    let remove: PrivacyLossPMF
    /// nil when the add direction equals the remove direction (no subsampling).
    let add: PrivacyLossPMF?

    /// Default bound on the finite mass one composition may truncate (moved to +∞, so results stay upper
    /// bounds); dp-accounting's default.
    public static let defaultTailBound = 1e-15

    /// The grid step h of the losses, in nats (> 0).
    public var discretization: Double { remove.discretization }

    init(remove: PrivacyLossPMF, add: PrivacyLossPMF?) {
        self.remove = remove
        self.add = add
    }

    /// The PLD of no mechanism (all mass on loss 0): the identity of composition.
    public static func identity(discretization: Double) throws(DPNoiseError.Accounting) -> PrivacyLossDistribution {
        try Check.positive(discretization, .discretization)
        return PrivacyLossDistribution(
            remove: PrivacyLossPMF(discretization: discretization, lowerIndex: 0, masses: [1], infinityMass: 0),
            add: nil)
    }

    /// The pessimistic PLD of one run of `event` on the grid `discretization`·ℤ.
    ///
    /// Continuous Gaussian cases use connect-the-dots (δ(ε) at every grid point); discrete cases use privacy
    /// buckets (each integer outcome's exact loss rounded up).
    public init(event: PrivacyEvent, discretization: Double) throws(DPNoiseError.Accounting) {
        try Check.positive(discretization, .discretization)
        try event.validate()
        func gaussian(_ sigma: Double, _ q: Double, _ adjacency: Adjacency) throws(DPNoiseError.Accounting) -> PrivacyLossPMF {
            try GaussianPrivacyLoss(sigma: sigma, samplingRate: q, adjacency: adjacency)
                .discretised(discretization: discretization)
        }
        switch event {
        case .gaussian(let z):
            self.init(remove: try gaussian(z, 1, .remove), add: nil)
        case .sampledGaussian(let z, let q):
            self.init(remove: try gaussian(z, q, .remove), add: q == 1 ? nil : try gaussian(z, q, .add))
        case .discreteGaussian(let s, let sensitivity, let q):
            try self.init(noise: .gaussian(scale: s), sensitivity: sensitivity, samplingRate: q,
                      discretization: discretization)
        case .discreteLaplace(let a, let sensitivity, let q):
            try self.init(noise: .laplace(parameter: a), sensitivity: sensitivity, samplingRate: q,
                      discretization: discretization)
        }
    }

    private init(noise: DiscretePrivacyLoss.Noise, sensitivity: Int, samplingRate q: Double, discretization h: Double)
        throws(DPNoiseError.Accounting)
    {
        func pmf(_ adjacency: Adjacency) throws(DPNoiseError.Accounting) -> PrivacyLossPMF {
            try DiscretePrivacyLoss(noise: noise, sensitivity: sensitivity, samplingRate: q, adjacency: adjacency)
                .discretised(discretization: h)
        }
        self.init(remove: try pmf(.remove), add: q == 1 ? nil : try pmf(.add))
    }

    /// The PLD of running this mechanism and then `other` (convolution; tails of mass ≤ `tailBound`/2 per side
    /// are moved pessimistically, the upper one to +∞).
    public func composed(with other: PrivacyLossDistribution,
                         tailBound: Double = defaultTailBound) throws(DPNoiseError.Accounting)
        -> PrivacyLossDistribution
    {
        guard other.discretization == discretization else {
            throw .invalidParameter(.discretization, reason: "compositions need equal grids, got \(discretization) and \(other.discretization)")
        }
        try Check.nonNegative(tailBound, .tailBound)
        let removed = try PLDComposition.compose(remove, other.remove, tailBound: tailBound)
        if add == nil, other.add == nil { return PrivacyLossDistribution(remove: removed, add: nil) }
        let added = try PLDComposition.compose(add ?? remove, other.add ?? other.remove, tailBound: tailBound)
        return PrivacyLossDistribution(remove: removed, add: added)
    }

    /// The PLD of `times` ≥ 1 independent runs (one FFT raised to the power `times`; see `PLDComposition`).
    /// Throws `invalidParameter(discretization)` when the composed grid would exceed 2^24 points.
    public func selfComposed(_ times: Int, tailBound: Double = defaultTailBound)
        throws(DPNoiseError.Accounting) -> PrivacyLossDistribution
    {
        try Check.steps(times, .times)
        try Check.nonNegative(tailBound, .tailBound)
        let composed = try PLDComposition.selfCompose(add.map { [remove, $0] } ?? [remove], times: times,
                                                  tailBound: tailBound)
        return PrivacyLossDistribution(remove: composed[0], add: composed.count > 1 ? composed[1] : nil)
    }

    /// The smallest ε ≥ 0 such that δ(ε) ≤ `delta` in both directions (`infinity` if none).
    public func epsilon(delta: Double) throws(DPNoiseError.Accounting) -> Double {
        try Check.delta(delta)
        let e = remove.epsilon(delta: delta)
        guard let add else { return e }
        return max(e, add.epsilon(delta: delta))
    }

    /// δ(ε), the larger hockey-stick divergence of the two directions, for ε ≥ 0.
    public func delta(epsilon: Double) throws(DPNoiseError.Accounting) -> Double {
        try Check.nonNegative(epsilon, .epsilon)
        let d = remove.delta(epsilon: epsilon)
        guard let add else { return d }
        return max(d, add.delta(epsilon: epsilon))
    }

    /// Number of grid points held (both directions), a measure of the work composition costs.
    public var size: Int { remove.masses.count + (add?.masses.count ?? 0) }
}
