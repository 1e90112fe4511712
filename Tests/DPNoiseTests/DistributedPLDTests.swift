import Foundation
import Testing
@testable import DPNoise

/// PLD of the distributed mechanisms through their Gaussian equivalents: tighter than RDP, never tighter than
/// a continuous Gaussian with the same sensitivity, calibrated to less noise, RDP where no equivalent exists.
@Suite struct DistributedPLDTests {
    /// The embedded default's 10-round plan: d = 196,608 padded, M = 18, K = 1, 20 summands.
    static func configuration(_ mechanism: DistributedMechanism, z: Double, bits: Int = 16) throws
        -> DistributedDPConfiguration
    {
        try DistributedDPConfiguration(
            mechanism: mechanism, l2Clip: 1, dimension: 196_608, minimumSurvivors: 18, colludingClients: 1,
            maximumSummands: 20, noiseMultiplier: z, bits: bits)
    }

    @Test(arguments: DistributedMechanism.allCases)
    func pldIsBelowRDPAndAboveTheContinuousGaussian(mechanism: DistributedMechanism) throws {
        for (q, steps) in [(1.0, 10), (0.05, 200)] {
            let c = try Self.configuration(mechanism, z: 3.68)
            let pld = try c.epsilon(samplingRate: q, steps: steps, delta: 1e-5, accountant: .pld)
            let rdp = try c.epsilon(samplingRate: q, steps: steps, delta: 1e-5, accountant: .rdp)
            #expect(pld.accountant == .pld && rdp.accountant == .rdp)
            #expect(pld.epsilon < rdp.epsilon * 0.97, "q \(q): PLD \(pld.epsilon) vs RDP \(rdp.epsilon)")
            // The equivalent cannot beat a continuous Gaussian of the same stddev and sensitivity.
            let sigma = (Double(c.effectiveClients) * c.localScaledVariance.value).squareRoot()
            let continuous = try PLDAccountant.epsilon(
                noiseMultiplier: sigma / (c.inflatedL2 * c.scale), samplingRate: q, steps: steps, delta: 1e-5)
            #expect(pld.epsilon >= continuous.epsilon * (1 - 1e-9))
            #expect(pld.epsilon <= continuous.epsilon * 1.01)
        }
    }

    @Test func calibrationWithPLDNeedsLessNoiseAndMeetsTheTarget() throws {
        func calibrate(_ a: Accountant) throws -> CalibrationResult {
            try NoiseCalibration.distributed(
                targetEpsilon: 4, delta: 1e-5, steps: 10, mechanism: .ddgauss, l2Clip: 1, dimension: 196_608,
                minimumSurvivors: 18, colludingClients: 1, maximumSummands: 20, bits: 16, accountant: a)
        }
        let pld = try calibrate(.pld)
        let rdp = try calibrate(.rdp)
        #expect(pld.accountant == .pld)
        #expect(pld.noiseMultiplier < rdp.noiseMultiplier * 0.95)
        let c = try #require(pld.configuration)
        #expect(try c.epsilon(samplingRate: 1, steps: 10, delta: 1e-5, accountant: .pld).epsilon <= 4)
        // 0.1 % less noise than calibrated misses the target: the calibration is the smallest.
        let less = try Self.configuration(.ddgauss, z: pld.noiseMultiplier * 0.999)
        #expect(try less.epsilon(samplingRate: 1, steps: 10, delta: 1e-5, accountant: .pld).epsilon > 4)
    }

    @Test func noiseWithoutAnEquivalentFallsBackToRDP() throws {
        let c = try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: 1, dimension: 1024, minimumSurvivors: 10, noiseMultiplier: 1, bits: 32)
        #expect(c.pldUnavailability != nil)
        let g = try c.epsilon(samplingRate: 1, steps: 3, delta: 1e-5, accountant: .pld)
        #expect(g.accountant == .rdp)
        #expect(g.epsilon == (try c.epsilon(samplingRate: 1, steps: 3, delta: 1e-5).epsilon))
    }

    @Test func tailSlackIsChargedToDelta() throws {
        let c = try Self.configuration(.skellam, z: 3.68)
        let round = try c.gaussianEquivalent(samplingRate: 1)
        #expect(round.tailSlack > 0 && round.tailSlack < 1e-9)
        // All of δ in slack leaves nothing to account: ε is ∞.
        let wasteful = GaussianEquivalentRound(
            noiseMultiplier: round.noiseMultiplier, tailSlack: 1e-5, samplingRate: 1)
        #expect(try DistributedPLD.epsilon(rounds: [wasteful], delta: 1e-5) == .infinity)
        let e = try DistributedPLD.epsilon(rounds: [round], repeats: 10, delta: 1e-5)
        let lessDelta = try PLDAccountant.epsilon(
            noiseMultiplier: round.noiseMultiplier, steps: 10, delta: 1e-5 - 10 * round.tailSlack).epsilon
        #expect(e == lessDelta)
    }
}
