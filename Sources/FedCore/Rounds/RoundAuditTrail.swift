/// Where a run's signed audit events go: FedAudit's `AuditLog` itself (`simulate`), or a wrapper that lets it
/// cross into the gRPC server's actor (`serve`). ``RoundRecorder`` is the only writer of round events.
/// FedCore defines the events; it never stores them (so it does not link SQLite).
public protocol RoundAuditTrail: AnyObject {
    /// Appends a round event. Throws ``FedCoreError/output(_:)`` when the write fails.
    func appendEvent(_ event: AuditEvent) throws(FedCoreError)
    /// Writes the open round's `round_closed` record and returns the new head hash.
    func closeAuditedRound(_ round: Int) throws(FedCoreError) -> String
    /// Writes `run_closed` for `rounds` planned rounds (failed ones included); later calls do nothing.
    func closeAuditedRun(rounds: Int, epsilonCumulative: Double) throws(FedCoreError)
}
