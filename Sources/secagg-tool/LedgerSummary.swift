import FedAudit
import FedCore
import Foundation

/// The `--json` output of `privacy ledger FILE` (field names are part of the command-surface contract):
/// `rounds[]` with `round` and `epsilon` (cumulative ε after that round) plus `epsilon_round`; `epsilon` (total
/// spent, 0 when nothing was charged; the string "inf" once a round released its sum without noise, whose
/// `epsilon_round` is "inf" too); `budget` (null when the run had none); `delta`; `source`
/// (`ledger` or `audit_log`).
struct LedgerSummaryOutput: Encodable {
    struct Round: Encodable {
        let round: Int
        let epsilon: Double
        let epsilonRound: Double
        enum CodingKeys: String, CodingKey {
            case round, epsilon
            case epsilonRound = "epsilon_round"
        }
    }

    let rounds: [Round]
    let epsilon: Double
    let budget: Double?
    let delta: Double?
    let source: String

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rounds, forKey: .rounds)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(budget, forKey: .budget)  // explicit null when there is no budget
        try c.encode(delta, forKey: .delta)
        try c.encode(source, forKey: .source)
    }

    enum CodingKeys: String, CodingKey { case rounds, epsilon, budget, delta, source }

    /// One line for people.
    var text: String {
        func show(_ x: Double) -> String { x.isFinite ? "\(x)" : "∞ (released without noise)" }
        var lines = rounds.map { "round \($0.round): epsilon \(show($0.epsilonRound)), cumulative \(show($0.epsilon))" }
        lines.append(
            "epsilon spent \(show(epsilon))" + (budget.map { " of budget \($0)" } ?? " (no budget)")
                + (delta.map { ", delta \($0)" } ?? ""))
        return lines.joined(separator: "\n")
    }
}

/// Budget spent according to a privacy ledger (JSON lines) or an audit log (SQLite, detected by its header).
/// Reads only; an audit log is not verified here (use `audit verify`).
/// - Throws: ``ToolFailure/badInput(_:)`` naming the file when it is unreadable or malformed.
func ledgerSummary(path: String) throws -> LedgerSummaryOutput {
    let url = URL(fileURLWithPath: path)
    if AuditLogReader.looksLikeAuditLog(url) {
        let records: [AuditRecord]
        do { records = try AuditLogReader.records(at: url) } catch { throw ToolFailure.badInput(error.description) }
        var started: RunStarted?
        var rounds: [LedgerSummaryOutput.Round] = []
        var noiseless = Set<Int>()
        for record in records {
            switch record.event {
            case .runStarted(let s): started = s
            case .roundPlanned(let p) where p.mechanism == .none: noiseless.insert(p.round)
            case .roundCharged(let c):
                rounds.append(.init(round: c.round, epsilon: c.epsilonCumulative, epsilonRound: c.epsilonRound))
            case .roundCompleted(let c) where noiseless.contains(c.round):
                rounds.append(.init(round: c.round, epsilon: .infinity, epsilonRound: .infinity))
            default:
                break
            }
        }
        let total = rounds.contains { !$0.epsilon.isFinite } ? Double.infinity : rounds.last?.epsilon ?? 0
        return LedgerSummaryOutput(
            rounds: rounds, epsilon: total, budget: started?.budgetEpsilon,
            delta: started?.delta, source: "audit_log")
    }
    let contents: LedgerContents
    do { contents = try PrivacyLedger.read(contentsOf: url) } catch { throw ToolFailure.badInput(error.description) }
    let charged = contents.chargedRounds
    var rounds = charged.map {
        LedgerSummaryOutput.Round(round: $0.round, epsilon: $0.epsilonCumulative, epsilonRound: $0.epsilonRound)
    }
    // A round released without noise: ε = ∞ from it on, whatever else was charged.
    for u in contents.unprotectedRounds {
        rounds.append(.init(round: u.round, epsilon: .infinity, epsilonRound: .infinity))
    }
    rounds.sort { $0.round < $1.round }
    let unprotected = !contents.unprotectedRounds.isEmpty
    return LedgerSummaryOutput(
        rounds: rounds,
        epsilon: unprotected ? .infinity : contents.lastCumulativeEpsilon ?? 0,
        budget: contents.recordedBudget, delta: charged.last?.delta,
        source: "ledger")
}
