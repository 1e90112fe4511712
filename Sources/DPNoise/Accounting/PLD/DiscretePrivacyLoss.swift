import Foundation

/// The privacy loss of an integer-valued additive-noise mechanism with integer sensitivity Δ and optional
/// Poisson subsampling, discretised by "privacy buckets" (Meiser, Mohammadi 2018; dp-accounting's default for
/// discrete noise): every integer outcome x has an exact loss, rounded *up* to the grid, so the PMF dominates.
///
/// With μ the noise PMF (symmetric), remove: upper = (1−q)μ(x) + qμ(x+Δ), lower = μ(x),
/// loss(x) = log(1 − q + q·μ(x+Δ)/μ(x)); add: upper = μ(x), loss(x) = −loss_remove(−x).
struct DiscretePrivacyLoss: Sendable {
    /// The integer noise distribution.
    enum Noise: Sendable {
        /// Discrete Gaussian N_ℤ(0, s²): μ(x) ∝ exp(−x²/(2s²)) (Canonne, Kamath, Steinke 2020).
        case gaussian(scale: Double)
        /// Discrete Laplace: μ(x) = tanh(a/2)·e^{−a|x|}.
        case laplace(parameter: Double)
    }

    let noise: Noise
    let sensitivity: Int
    let samplingRate: Double
    let adjacency: Adjacency

    /// Outcomes enumerated one by one: x in [−window, window]; beyond it, the tails are lumped.
    var window: Int {
        switch noise {
        case .gaussian(let s): Int((11.6 * s).rounded(.up)) + sensitivity
        case .laplace: sensitivity + 1
        }
    }

    /// log μ(x) up to the normalising constant (`logNormaliser`).
    private func logWeight(_ x: Int) -> Double {
        switch noise {
        case .gaussian(let s): -Double(x) * Double(x) / (2 * s * s)
        case .laplace(let a): -a * Double(abs(x))
        }
    }

    /// An upper bound on Σ_{x > k} of the unnormalised weights (k ≥ 0).
    private func weightAbove(_ k: Int) -> Double {
        switch noise {
        case .gaussian(let s):
            let next = Double(k + 1)
            return Foundation.exp(-next * next / (2 * s * s)) / -Foundation.expm1(-next / (s * s))
        case .laplace(let a):
            return Foundation.exp(-a * Double(k + 1)) / -Foundation.expm1(-a)
        }
    }

    private var logNormaliser: Double {
        var total = 0.0
        for x in -window...window { total += Foundation.exp(logWeight(x)) }
        return Foundation.log(total + 2 * weightAbove(window))
    }

    /// log(μ(x+Δ)/μ(x)), the remove-direction loss without subsampling.
    private func removeLossWithoutSampling(_ x: Int) -> Double { logWeight(x + sensitivity) - logWeight(x) }

    private func removeLoss(_ x: Int) -> Double {
        let l0 = removeLossWithoutSampling(x)
        if samplingRate == 1 { return l0 }
        return LogSpace.add(Foundation.log(samplingRate) + l0, Foundation.log1p(-samplingRate))
    }

    func loss(_ x: Int) -> Double {
        switch adjacency {
        case .remove: removeLoss(x)
        case .add: -removeLoss(-x)
        }
    }

    /// Whether the loss is constant beyond the window on the high-loss side (true for Laplace), so that tail can
    /// be placed at the window's edge exactly instead of at +∞.
    private var highLossTailIsBounded: Bool {
        if case .laplace = noise { return true }
        return false
    }

    /// The pessimistic PMF on the grid h·ℤ; throws `invalidParameter(discretization)` when it would exceed
    /// `PLDComposition.maximumPoints`.
    func discretised(discretization h: Double) throws(DPNoiseError.Accounting) -> PrivacyLossPMF {
        let logZ = logNormaliser
        let w = window
        let q = samplingRate
        func mu(_ x: Int) -> Double { Foundation.exp(logWeight(x) - logZ) }
        /// μ-mass strictly below −k and strictly above k, k ≥ 0 (symmetric).
        func muAbove(_ k: Int) -> Double { k >= 0 ? weightAbove(k) / Foundation.exp(logZ) : 1 }
        func upperMass(_ x: Int) -> Double {
            switch adjacency {
            case .remove: (1 - q) * mu(x) + q * mu(x + sensitivity)
            case .add: mu(x)
            }
        }
        func index(_ loss: Double) -> Int { Int((loss / h).rounded(.up)) }
        // The loss is non-increasing in x, but rounding can break ties either way: take the index range first.
        var low = Int.max, high = Int.min
        // Guard the grid size before converting losses to Int indices (a tiny h could overflow Int).
        let span = (loss(-w) - loss(w)) / h
        guard span.isFinite, span < Double(PLDComposition.maximumPoints) else {
            try PLDComposition.checkSize(Int.max)
            return PrivacyLossPMF(discretization: h, lowerIndex: 0, masses: [0], infinityMass: 1)
        }
        for x in -w...w {
            let i = index(loss(x))
            low = min(low, i)
            high = max(high, i)
        }
        var masses = [Double](repeating: 0, count: high - low + 1)
        var infinity = 0.0
        for x in -w...w {
            let mass = upperMass(x)
            if mass > 0 { masses[index(loss(x)) - low] += mass }
        }
        // Tails: upper-distribution mass at x < −w (high loss) and x > w (low loss; placed at loss(w) ≥ its loss).
        let lowTail: Double, highTail: Double
        switch adjacency {
        case .remove:
            // μ(x+Δ) for x < −w is μ at points < −w + Δ; mass bounded by μ(X > w − Δ) (w ≥ Δ).
            lowTail = (1 - q) * muAbove(w) + q * muAbove(w - sensitivity)
            highTail = (1 - q) * muAbove(w) + q * muAbove(w + sensitivity)
        case .add:
            lowTail = muAbove(w)
            highTail = muAbove(w)
        }
        if highLossTailIsBounded { masses[index(loss(-w)) - low] += lowTail } else { infinity += lowTail }
        masses[index(loss(w)) - low] += highTail
        return PrivacyLossPMF(discretization: h, lowerIndex: low, masses: masses, infinityMass: min(1, infinity))
    }
}
