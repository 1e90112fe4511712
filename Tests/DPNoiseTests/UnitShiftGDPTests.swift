import Foundation
import Testing
@testable import DPNoise

/// The per-coordinate Gaussian-DP bound behind PLD for the distributed mechanisms, checked against hockey-stick
/// divergences summed by brute force from the noise's own PMF (an independent computation of the claim).
@Suite struct UnitShiftGDPTests {
    /// N_ℤ(0, V) or Skellam(V) PMF on −K…K, normalised over that range (the mass outside is below 1e-30).
    static func pmf(_ mechanism: DistributedMechanism, variance v: Double, radius k: Int) -> [Double] {
        var weights = [Double](repeating: 0, count: 2 * k + 1)
        for i in -k...k {
            let x = Double(i)
            switch mechanism {
            case .ddgauss:
                weights[i + k] = Foundation.exp(-x * x / (2 * v))
            case .skellam:
                // e^{−V} I_|i|(V) by its series Σ_m (V/2)^{2m+|i|} / (m! (m+|i|)!), in logs.
                let a = abs(i)
                var total = 0.0
                for m in 0..<400 {
                    let logTerm = Double(2 * m + a) * Foundation.log(v / 2) - Foundation.lgamma(Double(m + 1))
                        - Foundation.lgamma(Double(m + a + 1)) - v
                    total += Foundation.exp(logTerm)
                }
                weights[i + k] = total
            }
        }
        let z = weights.reduce(0, +)
        return weights.map { $0 / z }
    }

    /// H_c(X + s ‖ X) = Σ_k max(0, P(k − s) − c·P(k)).
    static func hockeyStick(_ p: [Double], shift s: Int, c: Double) -> Double {
        var total = 0.0
        for k in p.indices {
            let shifted = k - s >= 0 && k - s < p.count ? p[k - s] : 0
            total += max(0, shifted - c * p[k])
        }
        return total
    }

    /// H_c(N(μ, 1) ‖ N(0, 1)) = Φ(−ε/μ + μ/2) − c·Φ(−ε/μ − μ/2), ε = ln c.
    static func gaussianHockeyStick(mu: Double, c: Double) -> Double {
        let e = Foundation.log(c)
        func phi(_ x: Double) -> Double { 0.5 * Foundation.erfc(-x / 2.0.squareRoot()) }
        return phi(-e / mu + mu / 2) - c * phi(-e / mu - mu / 2)
    }

    /// Largest violation of H_c(X + s ‖ X) ≤ η + (1 − η)·H_c(Gauss(μ)) over shifts 1…`shifts` and a grid of c.
    static func worstViolation(_ p: [Double], unit: UnitShiftGDP, muScale: Double, shifts: Int) -> Double {
        var worst = -Double.infinity
        for s in 1...shifts {
            let mu = Double(s) * unit.unitShiftMu * muScale
            for step in 0...400 {
                let c = Foundation.exp(Double(step) / 400 * 8 * mu)
                let bound = unit.tailMass + (1 - unit.tailMass) * gaussianHockeyStick(mu: mu, c: c)
                worst = max(worst, hockeyStick(p, shift: s, c: c) - bound)
            }
        }
        return worst
    }

    @Test(arguments: [(DistributedMechanism.ddgauss, 2.0), (.ddgauss, 0.6), (.skellam, 3.0), (.skellam, 40.0)])
    func bruteForceHockeyStickStaysUnderTheGaussianEquivalent(mechanism: DistributedMechanism, variance: Double) throws {
        let unit = try UnitShiftGDP.verify(mechanism: mechanism, variance: variance, tau: 0, maxShift: 4)
        let p = Self.pmf(mechanism, variance: variance, radius: 200)
        #expect(Self.worstViolation(p, unit: unit, muScale: 1, shifts: 4) <= 1e-13)
        // The bound is tight: 3 % less μ is violated somewhere (the check can fail).
        #expect(Self.worstViolation(p, unit: unit, muScale: 0.97, shifts: 4) > 1e-6)
        #expect(unit.tailMass <= UnitShiftGDP.defaultTailMass)
    }

    /// With a large standard deviation both noises are Gaussian to within a fraction of a percent per unit
    /// shift; with a small one the lattice costs more than the continuous 1/σ.
    @Test func largeNoiseIsNearlyGaussianSmallNoiseIsNot() throws {
        for mechanism in DistributedMechanism.allCases {
            let large = try UnitShiftGDP.verify(mechanism: mechanism, variance: 1e6, tau: 0, maxShift: 300)
            #expect(large.unitShiftMu * large.stddev > 0.999)
            #expect(large.unitShiftMu * large.stddev < 1.002)
            let small = try UnitShiftGDP.verify(mechanism: mechanism, variance: 0.5, tau: 0, maxShift: 1)
            #expect(small.unitShiftMu * small.stddev > 1.05)
        }
    }

    @Test func tauWidensTheBoundAndLargeTauIsRefused() throws {
        let exact = try UnitShiftGDP.verify(mechanism: .ddgauss, variance: 100, tau: 0, maxShift: 5)
        let close = try UnitShiftGDP.verify(mechanism: .ddgauss, variance: 100, tau: 1e-7, maxShift: 5)
        #expect(close.unitShiftMu > exact.unitShiftMu)
        #expect(throws: UnitShiftGDP.Unavailable.tauTooLarge(1e-3)) {
            try UnitShiftGDP.verify(mechanism: .ddgauss, variance: 100, tau: 1e-3, maxShift: 5)
        }
        // Skellam sums are exactly Skellam: τ does not apply.
        let skellam = try UnitShiftGDP.verify(mechanism: .skellam, variance: 100, tau: 1e-3, maxShift: 5)
        #expect(skellam.unitShiftMu > 0)
    }

    @Test func windowBeyondTheLimitIsUnavailable() {
        #expect(throws: UnitShiftGDP.Unavailable.self) {
            try UnitShiftGDP.verify(mechanism: .ddgauss, variance: 1e14, tau: 0, maxShift: 10)
        }
    }
}
