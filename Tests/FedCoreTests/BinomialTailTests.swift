import Foundation
import Testing

@testable import FedCore

/// The binomial pmf and tails the skip slack is computed from (log space, lgamma), against exact integer
/// computations: for q = 1/2, P[Bin(n, 1/2) ≤ k] = Σ_{j ≤ k} C(n, j) / 2^n; for q = 1/4,
/// Σ_{j ≤ k} C(n, j)·3^{n−j} / 4^n — numerators summed exactly in UInt64 (n ≤ 62 and n ≤ 31), one division.
@Suite struct BinomialTailTests {
    /// C(n, j) exactly (n ≤ 62 fits UInt64 at every step of the multiplicative formula after division).
    static func choose(_ n: Int, _ j: Int) -> UInt64 {
        var c: UInt64 = 1
        for i in 0..<j { c = c * UInt64(n - i) / UInt64(i + 1) }
        return c
    }

    static func power(_ base: UInt64, _ e: Int) -> UInt64 { (0..<e).reduce(1) { acc, _ in acc * base } }

    @Test func lowerTailAtOneHalfMatchesTheExactSum() {
        for n in [1, 7, 20, 39, 62] {
            for k in 0..<n {
                var numerator: UInt64 = 0
                for j in 0...k { numerator += Self.choose(n, j) }
                let exact = Double(numerator) / pow(2, Double(n))
                let tail = CohortSampling.binomialLowerTail(trials: n, rate: 0.5, atMost: k)
                #expect(abs(tail - exact) <= 1e-12 * exact, "n \(n) k \(k): \(tail) vs \(exact)")
            }
            #expect(CohortSampling.binomialLowerTail(trials: n, rate: 0.5, atMost: n) == 1)
            #expect(CohortSampling.binomialLowerTail(trials: n, rate: 0.5, atMost: -1) == 0)
        }
    }

    @Test func lowerTailAndPMFAtOneQuarterMatchTheExactSums() {
        for n in [5, 18, 31] {
            var numerator: UInt64 = 0
            for k in 0..<n {
                let term = Self.choose(n, k) * Self.power(3, n - k)
                numerator += term
                let scale = pow(4, Double(n))
                let exactPMF = Double(term) / scale
                let pmf = exp(CohortSampling.binomialLogPMF(trials: n, rate: 0.25, successes: k))
                #expect(abs(pmf - exactPMF) <= 1e-12 * exactPMF, "n \(n) k \(k)")
                let exact = Double(numerator) / scale
                let tail = CohortSampling.binomialLowerTail(trials: n, rate: 0.25, atMost: k)
                #expect(abs(tail - exact) <= 1e-12 * exact, "n \(n) k \(k): \(tail) vs \(exact)")
            }
        }
    }

    /// The Bernstein bound used beyond the planner's window is an upper bound on the exact upper tail.
    @Test func upperTailBoundIsAboveTheExactTail() {
        for n in [20, 39, 62] {
            for k in 0...n {
                var numerator: UInt64 = 0
                for j in k...n { numerator += Self.choose(n, j) }
                let exact = Double(numerator) / pow(2, Double(n))
                #expect(CohortSampling.binomialUpperTailBound(trials: n, rate: 0.5, atLeast: k) >= exact * (1 - 1e-12))
            }
        }
    }

    /// Large populations: the lower tail far below the mean is tiny but positive, and the boundary mass never
    /// exceeds the tail it belongs to.
    @Test func lowerTailOfALargePopulation() {
        let tail = CohortSampling.binomialLowerTail(trials: 9_999, rate: 0.1, atMost: 700)
        #expect(tail > 0 && tail < 1e-20)
        let boundary = CohortSampling.skipSlack(population: 10_000, rate: 0.1, minimumCohort: 701)
        #expect(boundary > 0 && boundary <= 0.1 * tail)
    }
}
