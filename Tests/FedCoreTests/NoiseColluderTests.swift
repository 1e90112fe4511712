import DPNoise
import FedAudit
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// The noise calibration's colluders default to ⌈γ·n⌉ of the parameter finder's adversarial rate γ (issue 14.2);
/// the security floor's per-neighbourhood count stays `colludingClients`.
@Suite struct NoiseColluderTests {
    static func plan(_ settings: SimulationSettings, clients n: Int = 20) throws -> RoundPlan {
        try RoundPlanner.plan(
            round: 1, cohort: (1...n).map { UInt32($0) }, dimension: 200, settings: settings, noiseMultiplier: 1,
            bits: nil, roundSeed: [UInt8](repeating: 3, count: 32))
    }

    /// The default run (γ = 0.05, 20 clients) charges ε with ⌈0.05 · 20⌉ = 1 colluder, in the ledger and the audit
    /// log; that is more than the ε without colluders.
    @Test func defaultRunChargesTheFindersColluders() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = SimulationSettings()
        settings.noise = .noiseMultiplier(1)
        let plan = try Self.plan(settings)
        let privacy = try #require(plan.privacy)
        #expect(privacy.colludingClients == 1)
        var explicit = settings
        explicit.noiseColluders = 4
        #expect(try Self.plan(explicit).graph == plan.graph, "the floor's graph does not depend on the noise colluders")
        let ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
        var rng = ChaChaRandom.seeded(2)
        let audit = try AuditLog.create(
            at: directory.appendingPathComponent("audit.sqlite"), signer: Ed25519.SecretKey(seed: rng.secureBytes(count: 32)),
            pinned: false, budgetEpsilon: nil, delta: settings.delta)
        var recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
        var open = try recorder.open(plan, noiseMultiplier: 1)
        for phase in [Phase.advertiseKeys, .shareKeys, .maskedInput, .consistencyCheck] {
            try recorder.phaseFinished(open, phase, clients: plan.cohort)
        }
        try recorder.charge(&open)
        try recorder.phaseFinished(open, .unmasking, clients: plan.cohort)
        try recorder.complete(open, survivors: plan.cohort, outputHash: String(repeating: "0", count: 64))
        try recorder.closeRun()
        let charged = try #require(try ledger.chargedRounds.first)
        #expect(charged.colludingClients == 1)
        // The charged ε is the accountant's for M − 1 honest shares, independently rebuilt. The per-client noise is
        // sized so that M − 1 shares give z·c: the same noise credited to all M shares (K = 0, multiplier
        // z·√(M/(M − 1))) would claim a smaller ε — what the run charged before the default followed γ.
        func configuration(colluders: Int, z: Double) throws -> DistributedDPConfiguration {
            try DistributedDPConfiguration(
                mechanism: .ddgauss, l2Clip: 1, dimension: privacy.dimension, minimumSurvivors: plan.minSurvivors,
                colludingClients: colluders, maximumSummands: 20, noiseMultiplier: z, bits: privacy.bits)
        }
        let honest = try configuration(colluders: 1, z: 1)
        let m = Double(plan.minSurvivors)
        let allCounted = try configuration(colluders: 0, z: (m / (m - 1)).squareRoot())
        #expect(allCounted.localScaledVariance == privacy.localScaledVariance, "the same noise as the run's")
        let expected = try honest.epsilon(samplingRate: 1, steps: 1, delta: settings.delta, accountant: .pld).epsilon
        let understated = try allCounted.epsilon(samplingRate: 1, steps: 1, delta: settings.delta, accountant: .pld).epsilon
        #expect(abs(charged.epsilonCumulative - expected) <= 1e-12 * expected)
        #expect(charged.epsilonCumulative > understated * 1.01, "\(charged.epsilonCumulative) vs \(understated)")
        let verification = try AuditVerifier.verify(
            directory.appendingPathComponent("audit.sqlite"), registryServerKey: nil, accountant: DPNoiseAuditAccountant())
        #expect(verification.valid, "\(verification.problems)")
        #expect(abs(verification.epsilonCumulative - charged.epsilonCumulative) <= 1e-9 * charged.epsilonCumulative)
    }

    @Test func defaultScalesWithTheCohortAndTheFloorCount() throws {
        var settings = SimulationSettings()
        #expect(try RoundPlanner.noiseColluders(cohort: 100, settings: settings) == 5)
        #expect(try RoundPlanner.noiseColluders(cohort: 101, settings: settings) == 6)
        settings.adversarialRate = 0.2
        #expect(try RoundPlanner.noiseColluders(cohort: 100, settings: settings) == 20)
        settings.adversarialRate = 0
        #expect(try RoundPlanner.noiseColluders(cohort: 100, settings: settings) == 0)
        settings.colludingClients = 3
        #expect(try RoundPlanner.noiseColluders(cohort: 100, settings: settings) == 3)
    }

    /// An explicit count below ⌈γ·n⌉ is refused, with a sentence saying what to lower; it passes once γ is lowered.
    @Test func lowerExplicitCountNeedsALowerRate() throws {
        var settings = SimulationSettings()
        settings.noise = .noiseMultiplier(1)
        settings.noiseColluders = 0
        #expect {
            _ = try Self.plan(settings)
        } throws: { error in
            let text = (error as? FedCoreError)?.description ?? ""
            return text.contains("--noise-colluders 0") && text.contains("--adversarial-rate")
        }
        settings.adversarialRate = 0
        #expect(try Self.plan(settings).privacy?.colludingClients == 0)
        settings.noiseColluders = 2
        settings.adversarialRate = 0.05
        #expect(try Self.plan(settings).privacy?.colludingClients == 2)
    }
}
