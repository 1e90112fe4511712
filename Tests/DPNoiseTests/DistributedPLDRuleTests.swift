import Foundation
import Testing
import DPNoise

/// The accountant rule of composed distributed rounds: PLD when asked for and every round has a Gaussian
/// equivalent, else the RDP fallback; equivalents are derived only when PLD is asked for.
@Suite struct DistributedPLDRuleTests {
    static let round = GaussianEquivalentRound(noiseMultiplier: 2, tailSlack: 1e-9, samplingRate: 1)

    @Test func pldWhenAskedAndEveryRoundHasAnEquivalent() throws {
        var fellBack = false
        let r = try DistributedPLD.epsilon(accountant: .pld, equivalents: [Self.round, Self.round], delta: 1e-5) {
            () throws(DPNoiseError.Accounting) in
            fellBack = true
            return 0
        }
        #expect(r.accountant == .pld && !fellBack)
        #expect(r.epsilon == (try DistributedPLD.epsilon(rounds: [Self.round, Self.round], delta: 1e-5)))
        let slack = 1e-7
        let skipped = try DistributedPLD.epsilon(
            accountant: .pld, equivalents: [Self.round], delta: 1e-5, skipSlack: slack
        ) { () throws(DPNoiseError.Accounting) in 0 }
        let expected = try SkipSlack.epsilon(delta: 1e-5, slack: slack) { d throws(DPNoiseError.Accounting) in
            try DistributedPLD.epsilon(rounds: [Self.round], delta: d)
        }
        #expect(skipped.epsilon == expected && skipped.accountant == .pld)
    }

    @Test func rdpWhenOneRoundHasNoEquivalentOrRDPWasAskedFor() throws {
        let missing = try DistributedPLD.epsilon(accountant: .pld, equivalents: [Self.round, nil], delta: 1e-5) {
            () throws(DPNoiseError.Accounting) in 7
        }
        #expect(missing.epsilon == 7 && missing.accountant == .rdp)
        var derived = false
        func equivalents() -> [GaussianEquivalentRound?] {
            derived = true
            return [Self.round]
        }
        let rdp = try DistributedPLD.epsilon(accountant: .rdp, equivalents: equivalents(), delta: 1e-5) {
            () throws(DPNoiseError.Accounting) in 5
        }
        #expect(rdp.epsilon == 5 && rdp.accountant == .rdp && !derived)
    }

    @Test func anUntypedFallbackKeepsItsErrorAndPLDErrorsAreMapped() {
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try DistributedPLD.epsilon(
                accountant: .pld, equivalents: [nil], delta: 1e-5, pldFailure: { $0 }, rdp: { throw Refused() })
        }
        #expect(throws: DPNoiseError.Accounting.self) {
            try DistributedPLD.epsilon(
                accountant: .pld, equivalents: [Self.round], delta: 2, pldFailure: { $0 },
                rdp: { () throws -> Double in 0 })
        }
    }
}
