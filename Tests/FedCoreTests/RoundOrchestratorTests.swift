import DPNoise
import FedAudit
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// The one round orchestrator of `simulate` and `serve` (issue 13), driven step by step by a scripted
/// transport: real simulated clients answer, and the script decides which answers reach the server. Checks
/// the charge-before-unmask order, failures after the charge, refusals of misaddressed messages, and that the
/// model only moves after a whole average decoded.
@Suite struct RoundOrchestratorTests {
    struct Harness {
        let directory: URL
        let ledger: PrivacyLedger
        let audit: AuditLog
        let source: SyntheticUpdateSource
        var orchestrator: RoundOrchestrator
        var clients: InProcessCohort
        let settings: SimulationSettings

        init(noise: Bool = true, workers: Int = 2) throws {
            directory = try TestFiles.temporaryDirectory()
            ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
            let layout = try ModelLayout(tensors: [("w", .f32, [64])])
            source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 3), clients: 6)
            var settings = SimulationSettings()
            settings.rounds = 1
            settings.seed = 9
            settings.blockSize = 64
            settings.dropoutFraction = 0
            settings.noise = noise ? .noiseMultiplier(1) : .none
            self.settings = settings
            var rng = ChaChaRandom.seeded(4)
            var identities = [UInt32: Ed25519.SecretKey]()
            var registry = [UInt32: Ed25519.PublicKey]()
            for id in source.clientIDs {
                let key = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
                identities[id] = key
                registry[id] = key.publicKey
            }
            let signer = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            audit = try AuditLog.create(
                at: directory.appendingPathComponent("audit.sqlite"), signer: signer, pinned: false, budgetEpsilon: nil,
                delta: settings.delta)
            orchestrator = try RoundOrchestrator(
                settings: settings, layout: layout, model: FlatParameters([Double](repeating: 0, count: layout.parameterCount), for: layout),
                registry: registry, ledger: ledger, audit: audit)
            clients = InProcessCohort(
                settings: settings, source: source, identities: identities, rng: rng, workers: workers)
        }

        /// Runs one whole round, every answer delivered; returns its completion.
        mutating func runRound() throws -> RoundCompletion {
            try orchestrator.planRun(population: source.clientIDs.count)
            var step = try orchestrator.startRound(cohort: source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
            while case .exchange(_, let messages, _) = step {
                for (message, reply) in zip(messages, try clients.respond(to: messages)) {
                    if let reply { #expect(orchestrator.receive(reply, from: message.receiver) == .accepted) }
                }
                step = try orchestrator.endPhase()
            }
            let completion = try orchestrator.finishRound()
            try orchestrator.closeRun()
            return completion
        }

        /// Delivers every message and hands back the replies the `deliver` filter lets through.
        mutating func exchange(
            _ messages: [ServerRoundMessage], deliver: (ClientRoundMessage) -> Bool = { _ in true }
        ) throws {
            for message in messages {
                guard let reply = try clients.respond(to: message), deliver(reply) else { continue }
                #expect(orchestrator.receive(reply, from: message.receiver) == .accepted)
            }
        }

        func charged() throws -> Int { try ledger.chargedRounds.count }

        func verify() throws -> AuditVerification {
            try AuditVerifier.verify(
                directory.appendingPathComponent("audit.sqlite"), registryServerKey: nil,
                accountant: DPNoiseAuditAccountant())
        }
    }

    /// Nothing is charged until the consistency check is over, and the round is charged before the first
    /// unmasking request exists: the step that carries those requests comes after the ledger record.
    @Test func chargesAfterTheConsistencyCheckAndBeforeAnyUnmaskingRequest() throws {
        var h = try Harness()
        defer { try? FileManager.default.removeItem(at: h.directory) }
        try h.orchestrator.planRun(population: 6)
        var step = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        var sawUnmasking = false
        while case .exchange(let phase, let messages, _) = step {
            if phase == .unmasking {
                sawUnmasking = true
                #expect(try h.charged() == 1, "unmasking requests exist before the round was charged")
            } else {
                #expect(try h.charged() == 0, "charged before the consistency check finished (\(phase))")
            }
            try h.exchange(messages)
            step = try h.orchestrator.endPhase()
        }
        #expect(sawUnmasking)
        let before = h.orchestrator.model.doubles
        let completion = try h.orchestrator.finishRound()
        try h.orchestrator.closeRun()
        #expect(completion.survivors == h.source.clientIDs)
        #expect(h.orchestrator.model.doubles != before)
        let completed = try h.ledger.records().filter { if case .roundCompleted = $0 { true } else { false } }
        #expect(completed.count == 1)
        let verification = try h.verify()
        #expect(verification.valid, "\(verification.problems)")
    }

    /// Every unmasking response lost: the round fails after its charge, stays charged in the ledger and the
    /// audit log, the model does not move, and the log still verifies.
    @Test func failureAfterTheChargeStaysChargedAndLeavesTheModel() throws {
        var h = try Harness()
        defer { try? FileManager.default.removeItem(at: h.directory) }
        try h.orchestrator.planRun(population: 6)
        var step = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        let before = h.orchestrator.model.doubles
        var failure: FedCoreError?
        while case .exchange(let phase, let messages, _) = step {
            try h.exchange(messages) { _ in phase != .unmasking }
            do { step = try h.orchestrator.endPhase() } catch {
                failure = error
                break
            }
        }
        guard case .roundFailed(round: 1, _)? = failure else {
            Issue.record("expected the round to fail for lack of shares, got \(String(describing: failure))")
            return
        }
        try h.orchestrator.closeRun()
        #expect(h.orchestrator.model.doubles == before)
        #expect(try h.charged() == 1)
        let failed = try h.ledger.records().compactMap { if case .roundFailed(let f) = $0 { f } else { nil } }
        #expect(failed.count == 1 && failed[0].charged)
        let verification = try h.verify()
        #expect(verification.valid, "\(verification.problems)")
        #expect(verification.epsilonCumulative > 0)
    }

    /// A failure the transport finds mid-round (here: after the charge) is recorded the same way.
    @Test func transportFailureAfterTheChargeIsRecordedAsChargedFailure() throws {
        var h = try Harness()
        defer { try? FileManager.default.removeItem(at: h.directory) }
        try h.orchestrator.planRun(population: 6)
        var step = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        while case .exchange(let phase, let messages, _) = step, phase != .unmasking {
            try h.exchange(messages)
            step = try h.orchestrator.endPhase()
        }
        let reported = h.orchestrator.failRound(.output("connection lost"))
        #expect(reported.description.contains("connection lost"))
        #expect(h.orchestrator.currentRound == nil)
        try h.orchestrator.closeRun()
        let failed = try h.ledger.records().compactMap { if case .roundFailed(let f) = $0 { f } else { nil } }
        #expect(failed.count == 1 && failed[0].charged)
        #expect(try h.verify().valid)
    }

    /// Too few masked inputs: the round fails before the charge and nothing is spent.
    @Test func tooFewMaskedInputsFailBeforeAnyCharge() throws {
        var h = try Harness()
        defer { try? FileManager.default.removeItem(at: h.directory) }
        try h.orchestrator.planRun(population: 6)
        var step = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        var failure: FedCoreError?
        while case .exchange(let phase, let messages, _) = step {
            // Only two masked inputs arrive.
            var delivered = 0
            try h.exchange(messages) { _ in
                guard phase == .maskedInput else { return true }
                delivered += 1
                return delivered <= 2
            }
            do { step = try h.orchestrator.endPhase() } catch {
                failure = error
                break
            }
        }
        #expect(failure != nil)
        try h.orchestrator.closeRun()
        #expect(try h.charged() == 0)
        let verification = try h.verify()
        #expect(verification.valid, "\(verification.problems)")
        #expect(verification.epsilonCumulative == 0)
    }

    /// Messages outside their phase, naming another sender, or with no round in progress are refused without
    /// touching the server state (the honest message is still accepted afterwards).
    @Test func refusesMisaddressedAndOutOfPhaseMessages() throws {
        var h = try Harness()
        defer { try? FileManager.default.removeItem(at: h.directory) }
        try h.orchestrator.planRun(population: 6)
        guard case .exchange(_, let messages, _) = try h.orchestrator.startRound(
            cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        else { throw FedCoreError.invalidSettings("no phase 0") }
        let first = try #require(try h.clients.respond(to: messages[0]))
        guard case .rejected = h.orchestrator.receive(first, from: messages[0].receiver + 1) else {
            Issue.record("a message naming another sender was accepted")
            return
        }
        let outOfPhase = ClientRoundMessage.consistencyCheck(
            SecureAgg.ConsistencyCheck(round: 1, sender: messages[0].receiver, signature: [UInt8](repeating: 0, count: 64)))
        guard case .rejected = h.orchestrator.receive(outOfPhase, from: messages[0].receiver) else {
            Issue.record("a consistency check during AdvertiseKeys was accepted")
            return
        }
        #expect(h.orchestrator.receive(first, from: messages[0].receiver) == .accepted)
        _ = h.orchestrator.failRound(.output("test over"))
        guard case .rejected = h.orchestrator.receive(first, from: messages[0].receiver) else {
            Issue.record("a message with no round in progress was accepted")
            return
        }
        try h.orchestrator.closeRun()
    }

    /// A round cannot start before the run is planned, nor while another is in progress.
    @Test func refusesRoundsOutOfOrder() throws {
        var h = try Harness(noise: false)
        defer { try? FileManager.default.removeItem(at: h.directory) }
        #expect(throws: FedCoreError.self) {
            _ = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        }
        try h.orchestrator.planRun(population: 6)
        _ = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        #expect(throws: FedCoreError.self) {
            _ = try h.orchestrator.startRound(cohort: h.source.clientIDs, roundSeed: [UInt8](repeating: 2, count: 32))
        }
        try h.orchestrator.closeRun()
        #expect(try h.verify().valid)
    }

    /// The simulated clients answer a phase on several threads; each has its own generators, so the round's
    /// output (keys, noise, the decoded average) is the same with one worker or two.
    @Test func answersDoNotDependOnTheNumberOfWorkers() throws {
        var one = try Harness(workers: 1)
        var two = try Harness(workers: 2)
        defer {
            try? FileManager.default.removeItem(at: one.directory)
            try? FileManager.default.removeItem(at: two.directory)
        }
        let a = try one.runRound()
        let b = try two.runRound()
        #expect(a.outputHash == b.outputHash)
        #expect(a.survivors == b.survivors)
        #expect(two.clients.workers == 2)
    }
}
