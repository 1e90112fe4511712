import DPNoise
import FedAudit
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// The one bookkeeping path of `simulate` and `serve` (issue 13), driven by a scripted round: no protocol, no
/// transport, just the calls a driver makes. Every ledger and audit record of a round comes from here.
@Suite struct RoundRecorderTests {
    struct Run {
        let directory: URL
        let ledger: PrivacyLedger
        let audit: AuditLog
        var recorder: RoundRecorder
        let settings: SimulationSettings

        init(budget: Double? = nil) throws {
            directory = try TestFiles.temporaryDirectory()
            ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
            var settings = SimulationSettings()
            settings.budgetEpsilon = budget
            settings.noise = .noiseMultiplier(1)
            self.settings = settings
            var rng = ChaChaRandom.seeded(5)
            let key = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            audit = try AuditLog.create(
                at: directory.appendingPathComponent("audit.sqlite"), signer: key, pinned: false,
                budgetEpsilon: budget, delta: settings.delta)
            recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
        }

        func plan(round: Int, noise: Bool = true) throws -> RoundPlan {
            try RoundPlanner.plan(
                round: round, cohort: (1...10).map { UInt32($0) }, dimension: 100, settings: settings,
                noiseMultiplier: noise ? 1 : nil, bits: noise ? nil : 20, roundSeed: [UInt8](repeating: 1, count: 32))
        }

        func verify() throws -> AuditVerification {
            try AuditVerifier.verify(
                directory.appendingPathComponent("audit.sqlite"), registryServerKey: nil,
                accountant: DPNoiseAuditAccountant())
        }
    }

    /// A round that fails after its charge stays charged: in the ledger, in the spend, and in a verifying log.
    @Test func failureAfterChargingStaysCharged() throws {
        var run = try Run()
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let plan = try run.plan(round: 1)
        var open = try run.recorder.open(plan, noiseMultiplier: 1)
        let all = plan.cohort
        for phase in [Phase.advertiseKeys, .shareKeys, .maskedInput, .consistencyCheck] {
            try run.recorder.phaseFinished(open, phase, clients: all)
        }
        try run.recorder.charge(&open)
        try run.recorder.charge(&open)  // idempotent: a round is charged once
        let failure = run.recorder.fail(open, error: .roundFailed(round: 1, .tooFewShares(client: 3, available: 1, required: 6)))
        #expect(failure.description.contains("round 1"))
        try run.recorder.closeRun()
        let charged = try run.ledger.chargedRounds
        #expect(charged.count == 1)
        let failed = try run.ledger.records().compactMap { if case .roundFailed(let f) = $0 { f } else { nil } }
        #expect(failed.count == 1 && failed[0].charged)
        let expected = try plan.privacy!.epsilon(samplingRate: 1, steps: 1, delta: run.settings.delta, accountant: .pld).epsilon
        #expect(abs(try run.recorder.spend.epsilon(delta: run.settings.delta) - expected) < 1e-12)
        #expect(abs(charged[0].epsilonCumulative - expected) < 1e-12)
        let verification = try run.verify()
        #expect(verification.valid, "\(verification.problems)")
        #expect(abs(verification.epsilonCumulative - expected) < 1e-9)
    }

    /// Too few masked inputs fails the round before the charge: nothing is spent.
    @Test func tooFewSurvivorsFailsBeforeAnyCharge() throws {
        var run = try Run()
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let plan = try run.plan(round: 1)
        let open = try run.recorder.open(plan, noiseMultiplier: 1)
        try run.recorder.phaseFinished(open, .advertiseKeys, clients: plan.cohort)
        let few = Array(plan.cohort.prefix(plan.minSurvivors - 1))
        do {
            try run.recorder.phaseFinished(open, .maskedInput, clients: few)
            Issue.record("too few survivors accepted")
        } catch {
            _ = run.recorder.fail(open, error: error)
        }
        try run.recorder.closeRun()
        #expect(try run.ledger.chargedRounds.isEmpty)
        #expect(try run.recorder.spend.epsilon(delta: 1e-5) == 0)
        #expect(try run.verify().valid)
    }

    /// Two completed rounds: ε adds up across them and matches the accountant; the ledger's records carry the
    /// audit head hashes; a second recorder over the same ledger continues the numbering and the spend.
    @Test func completedRoundsComposeAndTheLedgerContinues() throws {
        var run = try Run()
        defer { try? FileManager.default.removeItem(at: run.directory) }
        for r in 1...2 {
            let plan = try run.plan(round: r)
            var open = try run.recorder.open(plan, noiseMultiplier: 1)
            try run.recorder.phaseFinished(open, .maskedInput, clients: plan.cohort)
            try run.recorder.charge(&open)
            try run.recorder.complete(open, survivors: plan.cohort, outputHash: String(repeating: "0", count: 64))
        }
        try run.recorder.closeRun()
        let configuration = try run.plan(round: 1).privacy!
        let two = try configuration.epsilon(samplingRate: 1, steps: 2, delta: run.settings.delta, accountant: .pld).epsilon
        #expect(abs(try run.recorder.spend.epsilon(delta: run.settings.delta) - two) < 1e-9)
        let completed = try run.ledger.records().compactMap { if case .roundCompleted(let c) = $0 { c } else { nil } }
        #expect(completed.count == 2 && completed.allSatisfy { $0.auditHeadHash?.count == 64 })
        let next = try RoundRecorder(settings: run.settings, ledger: run.ledger, audit: nil)
        #expect(next.firstRound == 3)
        #expect(abs(try next.spend.epsilon(delta: run.settings.delta) - two) < 1e-9)
    }

    /// A round that would exceed the budget is refused before anything is written for it.
    @Test func budgetIsCheckedBeforeTheRoundOpens() throws {
        let probe = try Run()
        let one = try probe.plan(round: 1).privacy!.epsilon(samplingRate: 1, steps: 1, delta: 1e-5).epsilon
        try? FileManager.default.removeItem(at: probe.directory)
        var run = try Run(budget: one * 0.9)
        defer { try? FileManager.default.removeItem(at: run.directory) }
        #expect(throws: FedCoreError.self) { _ = try run.recorder.open(try run.plan(round: 1), noiseMultiplier: 1) }
        #expect(run.recorder.plannedRounds == 0)
    }

    /// A ledger whose recorded noise was edited (more variance than the parameters give) is refused on replay:
    /// its ε would otherwise be understated.
    @Test func editedLedgerNoiseIsRefusedOnReplay() throws {
        var run = try Run()
        defer { try? FileManager.default.removeItem(at: run.directory) }
        let plan = try run.plan(round: 1)
        var open = try run.recorder.open(plan, noiseMultiplier: 1)
        try run.recorder.charge(&open)
        try run.recorder.complete(open, survivors: plan.cohort, outputHash: String(repeating: "0", count: 64))
        let url = run.directory.appendingPathComponent("run.ledger")
        var text = try String(contentsOf: url, encoding: .utf8)
        let numerator = plan.privacy!.localScaledVariance.numerator
        text = text.replacingOccurrences(
            of: "\"local_variance_numerator\":\(numerator)", with: "\"local_variance_numerator\":\(numerator * 4)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let reopened = try PrivacyLedger.open(url)
        #expect(throws: FedCoreError.self) { _ = try RoundRecorder(settings: run.settings, ledger: reopened, audit: nil) }
    }
}

/// Issue 16.2: a weighted round must not weight an update without `num_examples` silently.
@Suite struct WeightedCountTests {
    @Test func directorySourceNamesTheUpdatesWithoutExampleCounts() throws {
        let layout = try ModelLayout(tensors: [("w", .f32, [8])])
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try SyntheticUpdates(layout: layout, seed: 1).write(clients: 3, to: directory)
        #expect(try DirectoryUpdateSource(directory: directory, layout: layout).filesWithoutExampleCount().isEmpty)
        try SafetensorsWriter.write(
            try layout.unflatten(.init(repeating: 0.1, count: 8)),
            to: directory.appendingPathComponent("client-0002.safetensors"))
        let missing = try DirectoryUpdateSource(directory: directory, layout: layout).filesWithoutExampleCount()
        #expect(missing == ["client-0002.safetensors"])
    }
}
