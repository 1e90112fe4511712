import Foundation
import Testing
@testable import DPNoise

/// The PLD accountant against dp-accounting 0.6's `PLDAccountant` and `calibrate(PLD)` rows of dp_public.csv,
/// and properties every sound PLD accountant has (monotonicity, PLD ≤ RDP, pessimistic ≥ exact).
@Suite struct PLDAccountantTests {
    /// Relative agreement with dp-accounting's pessimistic PLD.
    static let epsilonTolerance = 1e-2
    /// How far below dp-accounting an ε may be (relative): an accountant that under-reports is a defect.
    static let underReportTolerance = 1e-3
    static let calibrationTolerance = 1e-2

    static func rows(_ method: String) throws -> [ReferenceRow] {
        try ReferenceCSV.load().filter { $0.method == method }
    }

    static func epsilon(_ row: ReferenceRow) throws -> Double {
        let h = try #require(row.param("value_discretization_interval"))
        return try PLDAccountant.epsilon(noiseMultiplier: try #require(row.sigma), samplingRate: try #require(row.q),
                                         steps: try #require(row.steps), delta: try #require(row.delta),
                                         discretization: h).epsilon
    }

    /// Each row's ε is computed once and checked against dp-accounting (within 1 %, never below by more than
    /// 1e-3) and against the RDP accountant on the same grid point (PLD ≤ RDP).
    @Test func everyPLDAccountantRowIsMatchedNeverUnderReportedAndAtMostRDP() throws {
        let rows = try Self.rows("dp_accounting.PLDAccountant")
        #expect(rows.count >= 70, "PLD rows missing from the reference table")
        var failures: [String] = []
        var worst = 0.0
        for row in rows {
            let ours = try Self.epsilon(row)
            let relative = (ours - row.value) / row.value
            worst = max(worst, abs(relative))
            if abs(relative) > Self.epsilonTolerance || relative < -Self.underReportTolerance {
                failures.append("\(row.caseName): ε \(ours) vs \(row.value) (rel \(relative))")
            }
            let rdp = try GaussianAccountant.epsilon(noiseMultiplier: try #require(row.sigma),
                                                     samplingRate: try #require(row.q),
                                                     steps: try #require(row.steps), delta: try #require(row.delta))
            if ours > rdp.epsilon * (1 + 1e-9) { failures.append("\(row.caseName): PLD \(ours) > RDP \(rdp.epsilon)") }
        }
        print("PLDAccountantTests: \(rows.count) PLD rows, worst relative difference \(worst)")
        for failure in failures { print("  FAIL \(failure)") }
        #expect(failures.isEmpty, "\(failures.count) PLD rows failed; first: \(failures.first ?? "")")
    }

    @Test func pessimisticEpsilonIsAtLeastTheExactGaussianComposition() throws {
        let exact = try Self.rows("exact_gaussian_composition")
        let pld = try Self.rows("dp_accounting.PLDAccountant")
        #expect(!exact.isEmpty)
        for row in exact {
            // The grid step of the PLD row with the same case (the generator scaled it with μ for large ε).
            let h = pld.first { $0.caseName == row.caseName }?.param("value_discretization_interval")
                ?? PLDAccountant.defaultDiscretization
            let ours = try PLDAccountant.epsilon(noiseMultiplier: try #require(row.sigma), samplingRate: 1,
                                                 steps: try #require(row.steps), delta: try #require(row.delta),
                                                 discretization: h).epsilon
            // 1e-9 relative: the closed form itself is evaluated in floating point.
            #expect(ours >= row.value * (1 - 1e-9), "\(row.caseName): PLD \(ours) < exact \(row.value)")
        }
    }

    @Test func calibrationRowsAreMatched() throws {
        let rows = try Self.rows("dp_accounting.calibrate(PLD)")
        #expect(!rows.isEmpty)
        var seen = Set<String>()
        for row in rows where seen.insert(row.caseName).inserted {
            let target = try #require(row.param("target_eps"))
            let result = try NoiseCalibration.gaussianPLD(targetEpsilon: target, delta: try #require(row.delta),
                                                          samplingRate: try #require(row.q),
                                                          steps: try #require(row.steps), relativeTolerance: 1e-4)
            let relative = abs(result.noiseMultiplier - row.value) / row.value
            #expect(relative <= Self.calibrationTolerance,
                    "\(row.caseName): z \(result.noiseMultiplier) vs \(row.value)")
            #expect(result.guarantee.epsilon <= target)
            // Smallest: 0.1 % less noise no longer meets the target.
            let less = try PLDAccountant.epsilon(noiseMultiplier: result.noiseMultiplier * 0.999,
                                                 samplingRate: try #require(row.q), steps: try #require(row.steps),
                                                 delta: try #require(row.delta)).epsilon
            #expect(less > target)
        }
    }

    @Test func crossDeviceExampleIsFarTighterThanRDP() throws {
        let pld = try PLDAccountant.epsilon(noiseMultiplier: 1, samplingRate: 0.001, steps: 2000, delta: 1e-5)
        let rdp = try GaussianAccountant.epsilon(noiseMultiplier: 1, samplingRate: 0.001, steps: 2000, delta: 1e-5)
        #expect(abs(pld.epsilon - 0.2087) < 0.002, "PLD ε \(pld.epsilon)")
        #expect(rdp.epsilon > 3 * pld.epsilon)
    }

    @Test func epsilonGrowsWithStepsAndFallsWithNoise() throws {
        let stepsGrid = [1, 10, 100, 1000]
        let noiseGrid = [0.6, 0.8, 1.0, 1.5, 3.0]
        for q in [0.01, 1.0] {
            var previous = -1.0
            for t in stepsGrid {
                let e = try PLDAccountant.epsilon(noiseMultiplier: 1, samplingRate: q, steps: t, delta: 1e-5).epsilon
                #expect(e > previous, "q \(q): ε(T=\(t)) = \(e) not above \(previous)")
                previous = e
            }
            previous = .infinity
            for z in noiseGrid {
                let e = try PLDAccountant.epsilon(noiseMultiplier: z, samplingRate: q, steps: 100, delta: 1e-5).epsilon
                #expect(e < previous, "q \(q): ε(z=\(z)) = \(e) not below \(previous)")
                previous = e
            }
        }
    }

    @Test func deltaAndEpsilonAreInverse() throws {
        let pld = try PLDAccountant.distribution(
            events: [RepeatedEvent(.sampledGaussian(noiseMultiplier: 1.1, samplingRate: 0.01), count: 1000)])
        let epsilon = try pld.epsilon(delta: 1e-5)
        let delta = try pld.delta(epsilon: epsilon)
        #expect(abs(delta - 1e-5) <= 1e-5 * 1e-6)
        #expect(try pld.delta(epsilon: epsilon * 0.99) > 1e-5)
    }

    @Test func heterogeneousRoundsComposeBetweenTheirHomogeneousBounds() throws {
        let weak = PrivacyEvent.sampledGaussian(noiseMultiplier: 0.9, samplingRate: 0.02)
        let strong = PrivacyEvent.sampledGaussian(noiseMultiplier: 1.5, samplingRate: 0.02)
        func eps(_ events: [RepeatedEvent]) throws -> Double {
            try PLDAccountant.epsilon(events: events, delta: 1e-6).epsilon
        }
        let mixed = try eps([RepeatedEvent(weak, count: 50), RepeatedEvent(strong, count: 50)])
        let allWeak = try eps([RepeatedEvent(weak, count: 100)])
        let allStrong = try eps([RepeatedEvent(strong, count: 100)])
        #expect(allStrong < mixed && mixed < allWeak)
        // Splitting a homogeneous run into two parts changes nothing but rounding.
        let split = try eps([RepeatedEvent(weak, count: 30), RepeatedEvent(weak, count: 70)])
        #expect(abs(split - allWeak) / allWeak < 1e-3)
    }

    @Test func discreteMechanismsApproachTheirContinuousCounterparts() throws {
        // A discrete Gaussian with large scale s and sensitivity Δ behaves like the Gaussian with z = s/Δ.
        let discrete = try PLDAccountant.epsilon(
            events: [RepeatedEvent(.discreteGaussian(scale: 50, sensitivity: 40), count: 10)], delta: 1e-5)
        let continuous = try PLDAccountant.epsilon(noiseMultiplier: 50.0 / 40.0, steps: 10, delta: 1e-5)
        #expect(abs(discrete.epsilon - continuous.epsilon) / continuous.epsilon < 0.01)
        // Discrete Laplace: pure ε-DP with ε = a·Δ per round, so T rounds have δ = 0 at ε = T·a·Δ.
        let laplace = try PLDAccountant.distribution(
            events: [RepeatedEvent(.discreteLaplace(parameter: 0.1, sensitivity: 2), count: 5)])
        #expect(try laplace.delta(epsilon: 5 * 0.1 * 2 + 1e-3) <= 1e-15)
        #expect(try laplace.epsilon(delta: 1e-6) <= 5 * 0.1 * 2 + 1e-3)
        #expect(try laplace.epsilon(delta: 0.2) < 5 * 0.1 * 2)
    }

    @Test func invalidInputsAreTypedErrors() {
        #expect(throws: DPNoiseError.Accounting.self) {
            try PLDAccountant.epsilon(noiseMultiplier: 0, steps: 1, delta: 1e-5)
        }
        #expect(throws: DPNoiseError.Accounting.self) {
            try PLDAccountant.epsilon(noiseMultiplier: 1, samplingRate: 1.5, steps: 1, delta: 1e-5)
        }
        #expect(throws: DPNoiseError.Accounting.self) {
            try PLDAccountant.epsilon(noiseMultiplier: 1, steps: 1, delta: 1e-5, discretization: 0)
        }
        #expect(throws: DPNoiseError.Accounting.self) {
            try PLDAccountant.epsilon(events: [RepeatedEvent(.discreteLaplace(parameter: 1, sensitivity: 0))],
                                      delta: 1e-5)
        }
        // A grid that would not fit in memory is refused up front, naming the discretisation.
        let tooFine = #expect(throws: DPNoiseError.Accounting.self) {
            try PrivacyLossDistribution(event: .gaussian(noiseMultiplier: 1e-3), discretization: 1e-4)
        }
        #expect(tooFine?.parameter == .discretization)
        let tooManyRounds = #expect(throws: DPNoiseError.Accounting.self) {
            try PLDAccountant.epsilon(noiseMultiplier: 0.3, samplingRate: 0.5, steps: 1_000_000, delta: 1e-5)
        }
        #expect(tooManyRounds?.parameter == .discretization)
    }
}
