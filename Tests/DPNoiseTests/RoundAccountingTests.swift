import Foundation
import Testing
import DPNoise

/// One derivation of a configuration's Gaussian equivalent answers every (steps, δ) and says why PLD fell back.
@Suite struct RoundAccountingTests {
    static func configuration(bits: Int) throws -> DistributedDPConfiguration {
        try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: 1, dimension: 1024, minimumSurvivors: 100, noiseMultiplier: 1, bits: bits)
    }

    @Test func theAccountantUsedAndWhyPLDFellBack() throws {
        let narrow = try Self.configuration(bits: 20)
        let pld = narrow.accounting(samplingRate: 1, accountant: .pld)
        #expect(pld.accountant == .pld && pld.pldUnavailable == nil)
        let direct = try narrow.epsilon(samplingRate: 1, steps: 3, delta: 1e-5, accountant: .pld)
        #expect(try pld.epsilon(steps: 3, delta: 1e-5) == direct)
        let asked = narrow.accounting(samplingRate: 1, accountant: .rdp)
        #expect(asked.accountant == .rdp && asked.pldUnavailable == nil)

        let wide = try Self.configuration(bits: 32)
        let fallback = wide.accounting(samplingRate: 1, accountant: .pld)
        #expect(fallback.accountant == .rdp)
        #expect(fallback.pldUnavailable?.description == wide.pldUnavailability)
        let g = try fallback.epsilon(steps: 3, delta: 1e-5)
        let rdp = try wide.epsilon(samplingRate: 1, steps: 3, delta: 1e-5)
        #expect(g.accountant == .rdp && g.epsilon == rdp.epsilon && g.order == rdp.order)
    }

    @Test func calibrationReturnsTheAccountingOfItsResult() throws {
        let r = try NoiseCalibration.distributed(
            targetEpsilon: 3, delta: 1e-5, steps: 10, mechanism: .ddgauss, l2Clip: 1, dimension: 1024,
            minimumSurvivors: 100, bits: 32, accountant: .pld)
        let accounting = try #require(r.accounting)
        #expect(accounting.configuration == r.configuration && accounting.accountant == r.accountant)
        #expect(r.accountant == .rdp && accounting.pldUnavailable != nil)
        #expect(try accounting.epsilon(steps: 10, delta: 1e-5).epsilon == r.guarantee.epsilon)
    }
}
