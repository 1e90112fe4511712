import Foundation

extension RenyiDP {
    /// τ of Kairouz, Liu, Steinke 2021 (Thm. 1): how far the sum of n independent discrete Gaussians
    /// N_Z(0, s²) is from one discrete Gaussian of variance n·s²:
    /// τ = 10 · Σ_{k=1}^{n−1} exp(−2π² s² · k/(k+1)).
    /// Checked against the authors' reference implementation, google-research/federated
    /// `distributed_dp/accounting_utils.py` (`ddgauss_epsilon`: `tau += exp(-2 * (pi * local_stddev * scale)**2 *
    /// (k / (k + 1)))` for k in 1…num_clients − 1, then `tau *= 10`; s here is its local_stddev · scale), and its
    /// `compute_rdp_dgaussian` (Prop. 14, the three bounds below). That code enforces no lower bound on s; the
    /// planner's σ ≥ 1/2 (``DistributedDPConfiguration/minimumDiscreteGaussianSigma``) is the paper's.
    ///
    /// - Parameters:
    ///   - clients: n, the number of noise shares summed (≥ 1; n = 1 gives τ = 0).
    ///   - localStddev: s, each share's standard deviation in INTEGER (scaled) units.
    public static func distributedDiscreteGaussianTau(clients n: Int, localStddev s: Double) -> Double {
        guard n > 1 else { return 0 }
        var tau = 0.0
        let factor = 2 * Double.pi * Double.pi * s * s
        for k in 1..<n {
            let kk = Double(k)
            tau += Foundation.exp(-factor * kk / (kk + 1))
        }
        return 10 * tau
    }

    /// Parameters of the distributed discrete Gaussian, all in INTEGER (scaled) units.
    public struct DistributedDiscreteGaussian: Sendable, Equatable {
        /// n: number of clients whose noise shares are summed (honest, non-colluding).
        public var clients: Int
        /// s: standard deviation of each client's discrete Gaussian share (integer units).
        public var localStddev: Double
        /// d: dimension of the summed vector.
        public var dimension: Int
        /// Δ2: L2 sensitivity of the sum (integer units).
        public var l2Sensitivity: Double
        /// Δ1: L1 sensitivity of the sum (integer units).
        public var l1Sensitivity: Double
        /// τ of Thm. 1; computed from n and s when not given.
        public var tau: Double

        public init(clients: Int, localStddev: Double, dimension: Int, l2Sensitivity: Double,
                    l1Sensitivity: Double, tau: Double? = nil) {
            self.clients = clients
            self.localStddev = localStddev
            self.dimension = dimension
            self.l2Sensitivity = l2Sensitivity
            self.l1Sensitivity = l1Sensitivity
            self.tau = tau ?? RenyiDP.distributedDiscreteGaussianTau(clients: clients, localStddev: localStddev)
        }
    }

    /// RDP of the distributed discrete Gaussian (Kairouz, Liu, Steinke 2021, Thm. 1 / Prop. 14), the minimum of
    /// three bounds with n·s² the central variance:
    /// - α Δ2²/(2ns²) + τd
    /// - (α/2)·(Δ2²/(ns²) + 2Δ1τ/(√n s) + τ²d)
    /// - (α/2)·(Δ2/(√n s) + τ√d)²
    public static func distributedDiscreteGaussian(order alpha: Double,
                                                   _ p: DistributedDiscreteGaussian) -> Double {
        let n = Double(p.clients)
        let d = Double(p.dimension)
        let centralStddev = n.squareRoot() * p.localStddev
        let l2Scale = p.l2Sensitivity / centralStddev
        let l1Scale = p.l1Sensitivity / centralStddev
        let term1 = alpha / 2 * l2Scale * l2Scale + p.tau * d
        let term2 = alpha / 2 * (l2Scale * l2Scale + 2 * l1Scale * p.tau + p.tau * p.tau * d)
        let term3 = alpha / 2 * (l2Scale + d.squareRoot() * p.tau) * (l2Scale + d.squareRoot() * p.tau)
        return min(term1, term2, term3)
    }

    /// The first bound of Thm. 1 alone, as zCDP: ρ = Δ2²/(2ns²), ξ = τd.
    public static func distributedDiscreteGaussianZCDP(_ p: DistributedDiscreteGaussian) -> (rho: Double, xi: Double) {
        let central = Double(p.clients) * p.localStddev * p.localStddev
        return (p.l2Sensitivity * p.l2Sensitivity / (2 * central), p.tau * Double(p.dimension))
    }
}
