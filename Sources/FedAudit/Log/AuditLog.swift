import FedCore
import Foundation
import GRDB
import Sodium

/// The tamper-evident audit log of one run: an SQLite file of hash-chained records, each signed by the server's
/// Ed25519 key (see ``AuditRecordHash`` for the encoding and Docs/formats.md for the schema).
///
/// Grammar the writer enforces (and ``AuditVerifier`` checks): `run_started`, then per round `round_planned`
/// followed by that round's events and one `round_closed`, then one `run_closed`; nothing after it. Round numbers
/// increase. Every record is durable when its call returns. One writer per file; not thread-safe.
/// Only public values are ever written: public keys, ids, parameters, counts and hashes.
public final class AuditLog {
    /// The log file.
    public let url: URL
    private let queue: DatabaseQueue
    private let signer: Ed25519.SecretKey
    private var nextSeq: Int64 = 1
    private var head = AuditRecordHash.genesis
    private var openRound: Int?
    private var lastRound: Int?
    private var closed = false

    /// The version string recorded in `run_started` when the caller gives none.
    public static let defaultToolVersion = "secagg 0.1"

    /// The audit-log format version this build writes and reads (`meta.version`).
    public static var formatVersion: Int { Int(AuditStore.version) ?? 0 }

    private init(url: URL, queue: DatabaseQueue, signer: Ed25519.SecretKey) {
        self.url = url
        self.queue = queue
        self.signer = signer
    }

    /// Creates a new log at `url` (refusing an existing file) and writes its signed `run_started` record.
    /// - Parameters:
    ///   - signer: the server's signing key; only its public key is recorded.
    ///   - pinned: true when `signer` is the registry's server key (false for an ephemeral key).
    ///   - budgetEpsilon: total ε the run is held to, if any; `delta`: δ of every ε in the log.
    public static func create(
        at url: URL, signer: Ed25519.SecretKey, pinned: Bool, budgetEpsilon: Double?, delta: Double,
        toolVersion: String = AuditLog.defaultToolVersion
    ) throws(AuditError) -> AuditLog {
        guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidEvent(detail: "delta must be in (0, 1)") }
        if let budgetEpsilon, !(budgetEpsilon.isFinite && budgetEpsilon > 0) {
            throw .invalidEvent(detail: "budget epsilon must be finite and positive")
        }
        let queue = try AuditStore.create(url)
        let log = AuditLog(url: url, queue: queue, signer: signer)
        let started = RunStarted(
            signerPublicKey: signer.publicKey.hex, signerPinned: pinned, toolVersion: toolVersion,
            startedAt: LedgerRecord.timestamp(), budgetEpsilon: budgetEpsilon, delta: delta)
        _ = try log.write(.runStarted(started))
        return log
    }

    /// True once `run_closed` is written: the log accepts nothing more.
    public var isClosed: Bool { closed }

    /// The hash of the last record written (lower-case hex).
    public var headHash: String { head }

    /// Appends a round event and returns its hash. `roundPlanned` opens a round (its number must exceed every
    /// earlier round and no round may be open); every other event must belong to the open round.
    /// - Throws: ``AuditError/logClosed(file:)`` after ``closeRun(rounds:epsilonCumulative:)``;
    ///   ``AuditError/invalidEvent(detail:)`` for a reserved kind (`run_started`, `round_closed`, `run_closed`)
    ///   or an event out of order; ``AuditError/io(file:detail:)`` when the write fails.
    @discardableResult
    public func append(_ event: AuditEvent) throws(AuditError) -> String {
        guard !closed else { throw .logClosed(file: url.path) }
        switch event {
        case .runStarted, .roundClosed, .runClosed:
            throw .invalidEvent(detail: "\(event.kind.rawValue) is written by create/closeRound/closeRun only")
        case .roundPlanned(let planned):
            if let openRound {
                throw .invalidEvent(detail: "round \(planned.round) planned while round \(openRound) is open")
            }
            if let lastRound, planned.round <= lastRound {
                throw .invalidEvent(detail: "round \(planned.round) does not follow round \(lastRound)")
            }
            let hash = try write(event)
            openRound = planned.round
            lastRound = planned.round
            return hash
        default:
            guard let openRound, event.round == openRound else {
                throw .invalidEvent(
                    detail: "\(event.kind.rawValue) for round \(event.round ?? -1) but no such round is open")
            }
            return try write(event)
        }
    }

    /// Writes the signed `round_closed` record of the open round `round`; returns the new head hash (record it in
    /// the privacy ledger).
    @discardableResult
    public func closeRound(_ round: Int) throws(AuditError) -> String {
        guard !closed else { throw .logClosed(file: url.path) }
        guard openRound == round else { throw .invalidEvent(detail: "round \(round) is not open") }
        let hash = try write(.roundClosed(RoundClosed(round: round, headHash: head)))
        openRound = nil
        return hash
    }

    /// Writes the signed `run_closed` record (no round may be open) and returns the final head hash. The log
    /// accepts nothing afterwards.
    @discardableResult
    public func closeRun(rounds: Int, epsilonCumulative: Double) throws(AuditError) -> String {
        guard !closed else { throw .logClosed(file: url.path) }
        if let openRound { throw .invalidEvent(detail: "round \(openRound) is still open") }
        let hash = try write(
            .runClosed(RunClosed(rounds: rounds, epsilonCumulative: epsilonCumulative, headHash: head)))
        closed = true
        return hash
    }

    private func write(_ event: AuditEvent) throws(AuditError) -> String {
        let payload = try event.canonicalPayload()
        let round = event.round.map(Int64.init)
        guard
            let hash = AuditRecordHash.hash(
                seq: nextSeq, kind: event.kind.rawValue, round: round,
                payload: payload, prevHash: head)
        else { throw .invalidEvent(detail: "corrupt chain head") }
        let row = AuditRow(
            seq: nextSeq, kind: event.kind.rawValue, round: round, payload: payload, prevHash: head,
            hash: Hex.encode(hash), signature: Hex.encode(signer.sign(hash)))
        try AuditStore.insert(row, into: queue, file: url.path)
        nextSeq += 1
        head = row.hash
        return row.hash
    }
}
