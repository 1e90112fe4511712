import FedCore

/// The audit trail of a served run (FedAudit's `AuditLog` in `serve`), handed to the session coordinator. The log
/// is a single-writer class; after ``AggregationServer`` wraps it, only the coordinator actor (one round at a time,
/// through its ``RoundRecorder``) and, after the server stopped, the same call touch it — never two at once — which
/// is why the box may cross into the actor.
final class ServedAuditTrail: RoundAuditTrail, @unchecked Sendable {
    private let log: any RoundAuditTrail
    /// Rounds opened with `round_planned` (completed or failed): what `run_closed` must count.
    private(set) var plannedRounds = 0

    init(_ log: any RoundAuditTrail) { self.log = log }

    func appendEvent(_ event: AuditEvent) throws(FedCoreError) {
        try log.appendEvent(event)
        if case .roundPlanned = event { plannedRounds += 1 }
    }

    func closeAuditedRound(_ round: Int) throws(FedCoreError) -> String { try log.closeAuditedRound(round) }

    func closeAuditedRun(rounds: Int, epsilonCumulative: Double) throws(FedCoreError) {
        try log.closeAuditedRun(rounds: rounds, epsilonCumulative: epsilonCumulative)
    }

    /// Closes the run if the rounds did not (a failure before or around them), counting every planned round.
    func closeRun(epsilonCumulative: Double) throws(FedCoreError) {
        try closeAuditedRun(rounds: plannedRounds, epsilonCumulative: epsilonCumulative)
    }
}
