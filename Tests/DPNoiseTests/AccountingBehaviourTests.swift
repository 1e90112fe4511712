import Foundation
import Testing
@testable import DPNoise

@Suite struct AccountingBehaviourTests {
    static func ddgauss(minimumSurvivors: Int = 100, colluding: Int = 0, z: Double = 1, bits: Int = 18)
        throws -> DistributedDPConfiguration
    {
        try DistributedDPConfiguration(mechanism: .ddgauss, l2Clip: 1, dimension: 65536,
                                       minimumSurvivors: minimumSurvivors, colludingClients: colluding,
                                       noiseMultiplier: z, bits: bits)
    }

    @Test func erfcinvMatchesTheModClipConstantAndInvertsErfc() {
        #expect(abs(2.0.squareRoot() * SpecialFunctions.erfcinv(1e-4) - 3.8905918864130946) < 1e-12)
        for p in [1e-300, 1e-30, 1e-10, 1e-4, 0.01, 0.3, 0.99, 1.0, 1.5, 1.999] {
            let x = SpecialFunctions.erfcinv(p)
            #expect(abs(erfc(x) - p) <= 1e-13 * p, "p = \(p)")
        }
        #expect(SpecialFunctions.erfcinv(0).isNaN)
        #expect(SpecialFunctions.erfcinv(2).isNaN)
    }

    @Test func scaledVarianceRoundsUpByLessThanOneDenominatorStep() throws {
        for variance in [0.0, 1e-9, 0.1, 2654.8127531952478 * 2654.8127531952478, 1e12] {
            let rounded = try ScaledVariance(roundingUp: variance)
            #expect(rounded.denominator == ScaledVariance.preferredDenominator)
            #expect(rounded.value >= variance)
            #expect(rounded.value - variance <= 1.0 / Double(rounded.denominator) * (1 + 1e-9) + variance * 1e-15)
        }
        let huge = try ScaledVariance(roundingUp: 1e17)
        #expect(huge.value >= 1e17 && huge.denominator < ScaledVariance.preferredDenominator)
        #expect(throws: DPNoiseError.Accounting.self) { try ScaledVariance(roundingUp: -1) }
        #expect(throws: DPNoiseError.Accounting.self) { try ScaledVariance(roundingUp: .nan) }
    }

    @Test func accountantUsesTheRoundedVariance() throws {
        let configuration = try Self.ddgauss()
        let rounded = configuration.localScaledVariance.value
        let unrounded = pow(configuration.localStddev * configuration.scale, 2)
        #expect(rounded > unrounded)
        #expect(configuration.localScaledStddev == rounded.squareRoot())
        #expect(configuration.ddgaussParameters.localStddev == rounded.squareRoot())
    }

    @Test func colludingClientsRaiseTheLocalNoise() throws {
        let honest = try Self.ddgauss(minimumSurvivors: 100)
        let colluding = try Self.ddgauss(minimumSurvivors: 100, colluding: 19)
        #expect(colluding.effectiveClients == 81)
        #expect(abs(colluding.localStddev - 1.0 / 9.0) < 1e-15)
        #expect(colluding.localStddev > honest.localStddev)
        // Same z over 81 honest shares: the central noise is the same, so ε hardly moves.
        let a = try honest.epsilon(samplingRate: 1, steps: 10, delta: 1e-5).epsilon
        let b = try colluding.epsilon(samplingRate: 1, steps: 10, delta: 1e-5).epsilon
        #expect(abs(a - b) / a < 0.02)
    }

    /// (parameter, M, K, z, bits) that must be refused, naming `parameter`.
    static let nonsense: [(AccountingParameter, Int, Int, Double, Int)] = [
        (.minimumSurvivors, 0, 0, 1, 18), (.colludingClients, 5, 5, 1, 18), (.colludingClients, 5, -1, 1, 18),
        (.noiseMultiplier, 100, 0, 0, 18), (.noiseMultiplier, 100, 0, .nan, 18),
        (.bits, 100, 0, 1, 33), (.bits, 100, 0, 1, 0), (.bits, 100, 0, 1, 4),
    ]

    @Test(arguments: 0..<nonsense.count)
    func nonsenseConfigurationIsRefusedNamingTheParameter(index: Int) {
        let (parameter, m, k, z, bits) = Self.nonsense[index]
        do {
            _ = try Self.ddgauss(minimumSurvivors: m, colluding: k, z: z, bits: bits)
            Issue.record("accepted nonsense \(parameter)")
        } catch let error as DPNoiseError.Accounting {
            #expect(error.parameter == parameter, "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func nonsenseAccountingInputsAreRefused() throws {
        func parameter(_ body: () throws -> Void) -> AccountingParameter? {
            do { try body(); return nil } catch let error as DPNoiseError.Accounting { return error.parameter } catch { return nil }
        }
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: -1, steps: 1, delta: 1e-5) }
                == .noiseMultiplier)
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: 1, samplingRate: 0, steps: 1,
                                                                delta: 1e-5) } == .samplingRate)
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: 1, samplingRate: 1.5, steps: 1,
                                                                delta: 1e-5) } == .samplingRate)
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: 1, steps: 0, delta: 1e-5) } == .steps)
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: 1, steps: 1, delta: 1) } == .delta)
        #expect(parameter { _ = try GaussianAccountant.epsilon(noiseMultiplier: 1, steps: 1, delta: 0) } == .delta)
        #expect(parameter { _ = try NoiseCalibration.gaussian(targetEpsilon: 0, delta: 1e-5, steps: 1) }
                == .targetEpsilon)
    }

    @Test func smallestAdequateBitsIsAdequateAndOneLessIsNot() throws {
        let chosen = try DistributedDPConfiguration.smallestAdequate(
            mechanism: .ddgauss, l2Clip: 1, dimension: 65536, minimumSurvivors: 100, noiseMultiplier: 1)
        #expect(chosen.isAdequate())
        #expect(chosen.bits > 1 && chosen.bits <= 32)
        let smaller = try? DistributedDPConfiguration(mechanism: .ddgauss, l2Clip: 1, dimension: 65536,
                                                      minimumSurvivors: 100, noiseMultiplier: 1, bits: chosen.bits - 1)
        #expect(smaller.map { !$0.isAdequate() } ?? true)
        #expect(chosen.headroomStddevs * (1 + 1e-4) >= chosen.kStddevs)
    }

    @Test func noDPWorstCaseBitsHoldTheWorstSum() throws {
        // 10 clients · (1·100 + √4/2) = 1010 ≤ 2^10 − 1.
        #expect(try DistributedDPConfiguration.worstCaseBits(noDPClients: 10, l2Clip: 1, scale: 100, dimension: 4) == 11)
        let scale = try DistributedDPConfiguration.noDPScale(bits: 16, clients: 10, l2Clip: 1, dimension: 4)
        #expect(try DistributedDPConfiguration.worstCaseBits(noDPClients: 10, l2Clip: 1, scale: scale, dimension: 4)
                <= 16)
        #expect(throws: DPNoiseError.Accounting.self) {
            try DistributedDPConfiguration.noDPScale(bits: 4, clients: 10, l2Clip: 1, dimension: 4)
        }
    }

    @Test func calibratedNoiseMeetsTheTargetAndIsNearlySmallest() throws {
        let result = try NoiseCalibration.gaussian(targetEpsilon: 2, delta: 1e-5, samplingRate: 0.01, steps: 1000)
        #expect(result.guarantee.epsilon <= 2)
        let less = try GaussianAccountant.epsilon(noiseMultiplier: result.noiseMultiplier * 0.999, samplingRate: 0.01,
                                                  steps: 1000, delta: 1e-5)
        #expect(less.epsilon > 2)
        let distributed = try NoiseCalibration.distributed(
            targetEpsilon: 5, delta: 1e-5, samplingRate: 1, steps: 20, mechanism: .skellam, l2Clip: 1,
            dimension: 4096, minimumSurvivors: 50, bits: nil)
        #expect(distributed.guarantee.epsilon <= 5)
        #expect(distributed.configuration?.isAdequate() == true)
    }

    @Test func improvedConversionIsNeverWorseThanClassic() throws {
        let orders = RDPOrders.dpAccountingDefault
        let curve = RenyiDP.composed(RenyiDP.poissonSubsampledGaussian(orders: orders, samplingRate: 0.02,
                                                                       noiseMultiplier: 1.3), steps: 500)
        let improved = try RDPConversion.epsilon(orders: orders, rdp: curve, delta: 1e-6, rule: .improved)
        let classic = try RDPConversion.epsilon(orders: orders, rdp: curve, delta: 1e-6, rule: .classic)
        #expect(improved.epsilon < classic.epsilon)
        #expect(RDPOrders.dpAccountingDefault.count == 156)
        #expect(RDPOrders.integer2to128And256.count == 128)
    }

    /// An accounting error names its quantity in words (never an API identifier such as `noiseMultiplier`), so
    /// its text stands alone; no two quantities share a name.
    @Test func everyParameterIsNamedInWords() {
        for parameter in AccountingParameter.allCases {
            let words = parameter.description
            #expect(words.range(of: "[a-z][A-Z]", options: .regularExpression) == nil, "\(words)")
            let text = DPNoiseError.Accounting.invalidParameter(parameter, reason: "must be > 0, got -1").description
            #expect(text == "invalid \(words): must be > 0, got -1")
            #expect(DPNoiseError.accounting(.invalidParameter(parameter, reason: "r")).description.contains(words))
        }
        #expect(Set(AccountingParameter.allCases.map(\.description)).count == AccountingParameter.allCases.count)
    }
}
