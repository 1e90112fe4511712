import DPNoise
import FedCore
import Foundation
import Testing

@testable import FedAudit

/// The audit verifier with the real DPNoise accountant.
@Suite struct AuditAccountingTests {
    typealias Fixture = AuditLogFixture

    static func planned(_ round: Int, steps: Int, z: Double, q: Double = 1) throws -> (
        RoundPlanned, DistributedDPConfiguration
    ) {
        let c = try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: 1, dimension: 1024, minimumSurvivors: 8, colludingClients: 1,
            maximumSummands: 10, noiseMultiplier: z, bits: 20)
        let p = RoundPlanned(
            round: round, cohortIds: Array(1...10), degree: 9, threshold: 6, bits: 20, clip: 1, mechanism: .ddgauss,
            noiseMultiplier: z, minSurvivors: 8, colludingClients: 1, samplingRate: q, stepsSoFar: steps,
            dimension: 1024, scale: c.scale, localVarianceNumerator: c.localScaledVariance.numerator,
            localVarianceDenominator: c.localScaledVariance.denominator, beta: c.beta,
            modClipProbability: c.modClipProbability, delta: 1e-5)
        return (p, c)
    }

    /// Writes two identical rounds charged with the accountant's own T-fold ε, then verifies.
    @Test func identicalRoundsMatchTheAccountantsTFoldComposition() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try AuditLog.create(
            at: url, signer: try Fixture.key(Fixture.seedA), pinned: true, budgetEpsilon: 50, delta: 1e-5)
        var cumulative = 0.0
        for r in 1...2 {
            let (p, c) = try Self.planned(r, steps: r - 1, z: 0.8)
            try log.append(.roundPlanned(p))
            let single = try c.epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon
            cumulative = try c.epsilon(samplingRate: 1, steps: r, delta: 1e-5).epsilon
            try log.append(
                .roundCharged(
                    AuditRoundCharged(round: r, epsilonRound: single, epsilonCumulative: cumulative, budgetEpsilon: 50))
            )
            try log.append(.roundCompleted(AuditRoundCompleted(round: r, survivors: 9, outputHash: "00")))
            try log.closeRound(r)
        }
        try log.closeRun(rounds: 2, epsilonCumulative: cumulative)
        let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: DPNoiseAuditAccountant())
        #expect(v.valid, "\(v.problems)")
        #expect(cumulative > 0.1 && cumulative < 50)
    }

    @Test func roundsWithDifferentParametersComposeByAddingRDP() throws {
        let (a, ca) = try Self.planned(1, steps: 0, z: 0.8)
        let (b, cb) = try Self.planned(2, steps: 1, z: 1.6, q: 0.5)
        let composed = try DPNoiseAuditAccountant().epsilon(composing: [a, b], delta: 1e-5)
        let sum = zip(try ca.rdpCurve(samplingRate: 1), try cb.rdpCurve(samplingRate: 0.5)).map { $0 + $1 }
        let expected = try RDPConversion.epsilon(orders: DistributedDPConfiguration.orders, rdp: sum, delta: 1e-5)
            .epsilon
        #expect(composed == expected)
        #expect(composed > (try ca.epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon))
    }

    @Test func recordedVarianceThatTheParametersDoNotGiveIsRefused() throws {
        var (p, _) = try Self.planned(1, steps: 0, z: 0.8)
        p.localVarianceNumerator -= 1
        #expect(throws: AuditError.Accounting.self) { try DPNoiseAuditAccountant().epsilon(composing: [p], delta: 1e-5) }
        var (q, _) = try Self.planned(1, steps: 0, z: 0.8)
        q.noiseMultiplier = 1.6  // the recorded scale and variance no longer fit
        #expect(throws: AuditError.Accounting.self) { try DPNoiseAuditAccountant().epsilon(composing: [q], delta: 1e-5) }
    }
}

/// Rounds that recorded `accountant: pld` are recomputed with the PLD of their Gaussian equivalents.
@Suite struct AuditPLDAccountingTests {
    static func pldRound(_ round: Int, steps: Int, z: Double) throws -> (RoundPlanned, DistributedDPConfiguration) {
        var (p, c) = try AuditAccountingTests.planned(round, steps: steps, z: z)
        p.accountant = Accountant.pld.rawValue
        p.discretization = PLDAccountant.defaultDiscretization
        return (p, c)
    }

    @Test func pldRoundsAreRecomputedWithPLDAndDifferFromRDP() throws {
        let (a, ca) = try Self.pldRound(1, steps: 0, z: 0.8)
        let (b, _) = try Self.pldRound(2, steps: 1, z: 0.8)
        let composed = try DPNoiseAuditAccountant().epsilon(composing: [a, b], delta: 1e-5)
        let pld = try ca.epsilon(samplingRate: 1, steps: 2, delta: 1e-5, accountant: .pld)
        #expect(pld.accountant == .pld)
        #expect(composed == pld.epsilon)
        let rdp = try ca.epsilon(samplingRate: 1, steps: 2, delta: 1e-5).epsilon
        #expect(composed < rdp)
        // One round that asked for RDP makes the whole composition RDP, as the run's spend does.
        var c = b
        c.accountant = Accountant.rdp.rawValue
        #expect(try DPNoiseAuditAccountant().epsilon(composing: [a, c], delta: 1e-5) == rdp)
    }

    @Test func aPLDLogVerifiesAndAnEpsilonChargedWithRDPIsFound() throws {
        for charge in [Accountant.pld, .rdp] {
            let (directory, url) = try AuditLogFixture.temporaryLog()
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = try AuditLog.create(
                at: url, signer: try AuditLogFixture.key(AuditLogFixture.seedA), pinned: true, budgetEpsilon: 50,
                delta: 1e-5)
            let (p, c) = try Self.pldRound(1, steps: 0, z: 0.8)
            try log.append(.roundPlanned(p))
            let e = try c.epsilon(samplingRate: 1, steps: 1, delta: 1e-5, accountant: charge).epsilon
            try log.append(
                .roundCharged(AuditRoundCharged(round: 1, epsilonRound: e, epsilonCumulative: e, budgetEpsilon: 50)))
            try log.append(.roundCompleted(AuditRoundCompleted(round: 1, survivors: 9, outputHash: "00")))
            try log.closeRound(1)
            try log.closeRun(rounds: 1, epsilonCumulative: e)
            let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: DPNoiseAuditAccountant())
            #expect(v.valid == (charge == .pld), "\(v.problems)")
        }
    }

    @Test func anUnknownAccountantIsRefused() throws {
        var (p, _) = try Self.pldRound(1, steps: 0, z: 0.8)
        p.accountant = "moments"
        #expect(throws: (any Error).self) { try DPNoiseAuditAccountant().epsilon(composing: [p], delta: 1e-5) }
    }
}
