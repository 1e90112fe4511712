import FedCore

/// The audit log of a served run, handed to the session coordinator. ``AuditLog`` is a single-writer class;
/// after ``AggregationServer/run(host:port:tls:configuration:registry:identity:settings:layout:model:ledger:audit:onListening:onRound:log:)``
/// wraps it, only the coordinator actor (one round at a time) and, after the server stopped, the same call
/// touch it — never two at once — which is why the box may cross into the actor.
final class ServedAuditTrail: @unchecked Sendable {
    private let log: AuditLog
    private(set) var runClosed = false
    /// Rounds opened with `round_planned` (completed or failed): what `run_closed` must count.
    private(set) var plannedRounds = 0

    init(_ log: AuditLog) { self.log = log }

    /// Appends `event`; a write failure becomes ``SimulationError/output(_:)``.
    func append(_ event: AuditEvent) throws(SimulationError) {
        do { try log.append(event) } catch { throw .output("audit log: \(error)") }
        if case .roundPlanned = event { plannedRounds += 1 }
    }

    /// Closes `round` and returns the head hash to record in the ledger.
    func closeRound(_ round: Int) throws(SimulationError) -> String {
        do { return try log.closeRound(round) } catch { throw .output("audit log: \(error)") }
    }

    /// Closes the run (once; later calls do nothing), counting every planned round, failed ones included.
    func closeRun(epsilonCumulative: Double) throws(SimulationError) {
        guard !runClosed else { return }
        runClosed = true
        do { try log.closeRun(rounds: plannedRounds, epsilonCumulative: epsilonCumulative) } catch {
            throw .output("audit log: \(error)")
        }
    }
}
