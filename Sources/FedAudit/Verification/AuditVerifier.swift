import FedCore
import Foundation
import Sodium

/// Verifies an audit log: the hash chain, every signature, the record grammar, and the privacy accounting.
///
/// Chain: each record's `seq` follows the one before it, its `prev_hash` is the stored hash of the record before
/// it (zeros for seq 1), its `hash` is recomputed from its content, and its signature verifies under the signer
/// key. Edited, deleted, reordered and inserted rows, foreign signatures and a missing `run_closed` (truncated
/// tail) all break one of these at the first affected record.
///
/// Signer: with `registryServerKey`, the key recorded in `run_started` must be that key (`signerPinned` is then
/// true); without it the recorded key is used and the signer is reported as not pinned.
///
/// Accounting: for each `round_charged`, the round's ε and the cumulative ε are recomputed by `accountant` from the
/// recorded `round_planned` parameters of all charged rounds so far and compared with relative tolerance
/// ``relativeTolerance``; the cumulative ε must stay within the recorded budget.
public enum AuditVerifier {
    /// Relative tolerance when comparing recorded and recomputed ε.
    public static let relativeTolerance = 1e-9

    /// Verifies the log at `url` (opened read-only).
    /// - Parameter accountant: recomputes ε; nil skips the recomputation (only the budget and closing checks run).
    /// - Throws: ``AuditError`` only when the file cannot be read as an audit log at all; broken content is
    ///   reported in ``AuditVerification/problems``.
    public static func verify(
        _ url: URL, registryServerKey: Ed25519.PublicKey?, accountant: (any AuditAccountant)?
    ) throws(AuditError) -> AuditVerification {
        verify(rows: try AuditLogReader.rows(at: url), registryServerKey: registryServerKey, accountant: accountant)
    }

    /// Verifies with an identical-rounds accountant: `epsilonForRounds(parameters, T)` is the cumulative ε after
    /// T rounds with those parameters (see ``IdenticalRoundsAccountant``).
    public static func verify(
        _ url: URL, registryServerKey: Ed25519.PublicKey?,
        epsilonForRounds: @escaping @Sendable (RoundPlanned, Int) throws -> Double
    ) throws(AuditError) -> AuditVerification {
        try verify(
            url, registryServerKey: registryServerKey,
            accountant: IdenticalRoundsAccountant(epsilonForRounds: epsilonForRounds))
    }

    static func verify(
        rows: [AuditRow], registryServerKey: Ed25519.PublicKey?, accountant: (any AuditAccountant)?
    ) -> AuditVerification {
        var state = VerifierState(registryKey: registryServerKey, accountant: accountant)
        for (index, row) in rows.enumerated() { state.check(row, isFirst: index == 0) }
        if let last = rows.last {
            if !state.runClosed {
                state.problem(Int(last.seq), last.kind, .closing, "log ends without a closing record (truncated?)")
            }
        } else {
            state.problem(0, "", .closing, "log has no records")
        }
        let pinned = registryServerKey != nil && state.recordedKey != nil && state.recordedKey == registryServerKey
        return AuditVerification(
            rounds: state.plannedRounds, signerPinned: pinned, signerPublicKey: state.recordedKey?.hex,
            records: rows.count, epsilonCumulative: state.releasedWithoutNoise ? .infinity : state.lastCumulative,
            budgetEpsilon: state.started?.budgetEpsilon,
            problems: state.problems, signerChecked: registryServerKey != nil, accountingChecked: accountant != nil)
    }

    /// True when `a` and `b` agree within ``relativeTolerance`` (relative to the larger magnitude).
    static func close(_ a: Double, _ b: Double) -> Bool {
        guard a.isFinite, b.isFinite else { return a == b }
        return abs(a - b) <= relativeTolerance * max(abs(a), abs(b)) + 1e-300
    }
}

/// Running state of one verification pass.
private struct VerifierState {
    let registryKey: Ed25519.PublicKey?
    let accountant: (any AuditAccountant)?
    var problems: [AuditVerification.Problem] = []
    var expectedSeq: Int64 = 1
    var previousHash = AuditRecordHash.genesis
    var recordedKey: Ed25519.PublicKey?
    var started: RunStarted?
    var planned: [Int: RoundPlanned] = [:]
    var openRound: Int?
    var lastRound: Int?
    var plannedRounds = 0
    var charged: [RoundPlanned] = []
    var chargedRounds: Set<Int> = []
    var outcome: Set<Int> = []
    var lastCumulative = 0.0
    /// A round without noise released its sum: the run's ε is ∞ whatever was charged.
    var releasedWithoutNoise = false
    var runClosed = false

    init(registryKey: Ed25519.PublicKey?, accountant: (any AuditAccountant)?) {
        self.registryKey = registryKey
        self.accountant = accountant
    }

    mutating func problem(_ seq: Int, _ kind: String, _ check: AuditCheck, _ message: String) {
        problems.append(.init(seq: seq, kind: kind, message: message, check: check))
    }

    mutating func check(_ row: AuditRow, isFirst: Bool) {
        var messages: [(AuditCheck, String)] = []
        checkRow(row, isFirst: isFirst, &messages)
        for (check, message) in messages { problem(Int(row.seq), row.kind, check, message) }
    }

    private mutating func checkRow(_ row: AuditRow, isFirst: Bool, _ messages: inout [(AuditCheck, String)]) {
        func report(_ check: AuditCheck, _ message: String) { messages.append((check, message)) }
        if !row.malformedColumns.isEmpty {
            report(.chain, "columns of an unexpected type: \(row.malformedColumns.joined(separator: ", "))")
        }
        if row.seq > expectedSeq {
            report(.chain, 
                "expected record \(expectedSeq) here: record(s) \(expectedSeq)…\(row.seq - 1) are missing (deleted?)")
        } else if row.seq < expectedSeq {
            report(.chain, "seq \(row.seq) repeats or goes backwards (expected \(expectedSeq); inserted or reordered?)")
        }
        expectedSeq = row.seq + 1
        if row.prevHash != previousHash {
            report(.chain, "prev_hash does not match the hash of the record before it (deleted, inserted or reordered?)")
        }
        let recomputed = AuditRecordHash.hash(
            seq: row.seq, kind: row.kind, round: row.round, payload: row.payload, prevHash: row.prevHash)
        let storedHash = Hex.decode(row.hash)
        if recomputed == nil || storedHash != recomputed {
            report(.chain, "hash does not match the record's content (edited?)")
        }
        previousHash = row.hash
        if runClosed { report(.grammar, "record after run_closed") }

        let event = AuditEvent.decode(kind: row.kind, payload: row.payload)
        if case .runStarted(let s) = event { startRun(s, isFirst: isFirst, &messages) }
        if isFirst, event?.kind != .runStarted { report(.grammar, "the log does not start with run_started") }

        let key = registryKey ?? recordedKey
        if let key {
            if let hashBytes = storedHash, let signature = Hex.decode(row.signature),
                key.isValidSignature(signature, for: hashBytes)
            {
                // signed by the expected key
            } else {
                report(.signatures, "signature does not verify under the signer key \(key.hex)")
            }
        } else {
            report(.signatures, "no signer key to check the signature against")
        }

        guard let event else {
            if AuditEvent.Kind(rawValue: row.kind) == nil {
                report(.grammar, "unknown record kind '\(row.kind)'")
            } else {
                report(.grammar, "payload is not a valid \(row.kind) record")
            }
            return
        }
        if event.round.map(Int64.init) != row.round {
            report(.grammar, "round column \(row.round.map(String.init) ?? "null") does not match the payload")
        }
        checkGrammar(event, row: row, &messages)
    }

    private mutating func startRun(_ s: RunStarted, isFirst: Bool, _ messages: inout [(AuditCheck, String)]) {
        func report(_ check: AuditCheck, _ message: String) { messages.append((check, message)) }
        guard started == nil, isFirst else {
            report(.grammar, "run_started may only be the first record")
            return
        }
        started = s
        guard let key = try? Ed25519.PublicKey(hex: s.signerPublicKey) else {
            report(.signatures, "signer_public_key is not an Ed25519 public key")
            return
        }
        recordedKey = key
        if let registryKey, registryKey != key {
            report(.signer, "signed by \(key.hex), but the registry pins the server key \(registryKey.hex)")
        }
    }

    private mutating func checkGrammar(_ event: AuditEvent, row: AuditRow, _ messages: inout [(AuditCheck, String)]) {
        func report(_ check: AuditCheck, _ message: String) { messages.append((check, message)) }
        if let round = event.round, event.kind != .roundPlanned, openRound != round {
            report(.grammar, "\(event.kind.rawValue) for round \(round) outside that round")
        }
        switch event {
        case .runStarted:
            break
        case .roundPlanned(let p):
            if let openRound { report(.grammar, "round \(p.round) planned while round \(openRound) is still open") }
            if let lastRound, p.round <= lastRound { report(.grammar, "round \(p.round) does not follow round \(lastRound)") }
            if let started, p.delta != started.delta {
                report(.grammar, "delta \(p.delta) differs from the run's \(started.delta)")
            }
            if p.stepsSoFar != charged.count {
                report(.grammar, "steps_so_far \(p.stepsSoFar) but \(charged.count) rounds were charged before")
            }
            planned[p.round] = p
            openRound = p.round
            lastRound = p.round
            plannedRounds += 1
        case .roundCharged(let c):
            checkCharge(c, &messages)
        case .roundCompleted(let c):
            if let p = planned[c.round] {
                if p.mechanism != .none, !chargedRounds.contains(c.round) {
                    report(.budget, "round \(c.round) released its sum without being charged first")
                }
                if p.mechanism == .none {
                    releasedWithoutNoise = true
                    if let budget = started?.budgetEpsilon {
                        report(.budget, "round \(c.round) released its sum without noise although the run has a budget of \(budget)")
                    }
                }
                if p.mechanism != .none, c.survivors < p.minSurvivors {
                    report(.budget, "\(c.survivors) survivors, below the \(p.minSurvivors) the noise was calibrated for")
                }
            }
            outcome.insert(c.round)
        case .roundFailed(let f):
            if f.charged != chargedRounds.contains(f.round) {
                report(.accounting, "charged is \(f.charged) but the round was \(f.charged ? "not " : "")charged")
            }
            outcome.insert(f.round)
        case .roundClosed(let c):
            if c.headHash != row.prevHash { report(.chain, "head_hash is not the hash of the record before it") }
            if openRound == c.round {
                if !outcome.contains(c.round) {
                    report(.grammar, "round \(c.round) closed without round_completed or round_failed")
                }
                openRound = nil
            }
        case .runClosed(let c):
            if let openRound { report(.grammar, "run closed while round \(openRound) is open") }
            if c.rounds != plannedRounds { report(.grammar, "rounds \(c.rounds) but \(plannedRounds) rounds were planned") }
            if !AuditVerifier.close(c.epsilonCumulative, lastCumulative) {
                report(.accounting, "epsilon_cumulative \(c.epsilonCumulative) differs from the last charged \(lastCumulative)")
            }
            if c.headHash != row.prevHash { report(.chain, "head_hash is not the hash of the record before it") }
            runClosed = true
        case .keysAdvertised, .survivors, .consistencyCheck:
            break
        }
    }

    private mutating func checkCharge(_ c: AuditRoundCharged, _ messages: inout [(AuditCheck, String)]) {
        func report(_ check: AuditCheck, _ message: String) { messages.append((check, message)) }
        guard let p = planned[c.round] else {
            report(.accounting, "round \(c.round) charged without round_planned")
            return
        }
        if p.mechanism == .none { report(.accounting, "round \(c.round) has no DP mechanism but is charged") }
        if chargedRounds.contains(c.round) { report(.accounting, "round \(c.round) charged twice") }
        if c.budgetEpsilon != started?.budgetEpsilon {
            report(.budget, "budget_epsilon \(c.budgetEpsilon.map { "\($0)" } ?? "null") differs from the run's")
        }
        charged.append(p)
        chargedRounds.insert(c.round)
        if let accountant {
            let delta = started?.delta ?? p.delta
            do {
                let single = try accountant.epsilon(composing: [p], delta: delta)
                let cumulative = try accountant.epsilon(composing: charged, delta: delta)
                if !AuditVerifier.close(c.epsilonRound, single) {
                    report(.accounting, "epsilon_round \(c.epsilonRound) but the recorded parameters give \(single)")
                }
                if !AuditVerifier.close(c.epsilonCumulative, cumulative) {
                    report(.accounting, "epsilon_cumulative \(c.epsilonCumulative) but the recorded parameters give \(cumulative)")
                }
            } catch {
                report(.accounting, "cannot recompute epsilon: \(error)")
            }
        } else if c.epsilonCumulative < lastCumulative {
            report(.accounting, "epsilon_cumulative \(c.epsilonCumulative) decreased (was \(lastCumulative))")
        }
        if let budget = started?.budgetEpsilon, c.epsilonCumulative > budget * (1 + AuditVerifier.relativeTolerance) {
            report(.budget, "cumulative epsilon \(c.epsilonCumulative) exceeds the budget \(budget)")
        }
        lastCumulative = c.epsilonCumulative
    }
}
