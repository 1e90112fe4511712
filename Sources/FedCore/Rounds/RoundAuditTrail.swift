/// Where a run's signed audit events go: the ``AuditLog`` itself (`simulate`), or a wrapper that lets it
/// cross into the gRPC server's actor (`serve`). ``RoundRecorder`` is the only writer of round events.
public protocol RoundAuditTrail: AnyObject {
    /// Appends a round event. Throws ``SimulationError/output(_:)`` when the write fails.
    func appendEvent(_ event: AuditEvent) throws(SimulationError)
    /// Writes the open round's `round_closed` record and returns the new head hash.
    func closeAuditedRound(_ round: Int) throws(SimulationError) -> String
    /// Writes `run_closed` for `rounds` planned rounds (failed ones included); later calls do nothing.
    func closeAuditedRun(rounds: Int, epsilonCumulative: Double) throws(SimulationError)
}

extension AuditLog: RoundAuditTrail {
    public func appendEvent(_ event: AuditEvent) throws(SimulationError) {
        do { try append(event) } catch { throw .output("audit log: \(error)") }
    }

    public func closeAuditedRound(_ round: Int) throws(SimulationError) -> String {
        do { return try closeRound(round) } catch { throw .output("audit log: \(error)") }
    }

    public func closeAuditedRun(rounds: Int, epsilonCumulative: Double) throws(SimulationError) {
        guard !isClosed else { return }
        do { try closeRun(rounds: rounds, epsilonCumulative: epsilonCumulative) } catch {
            throw .output("audit log: \(error)")
        }
    }
}
