import FedCore

/// The audit log as the ``RoundRecorder``'s trail: every failure becomes ``FedCoreError/output(_:)`` naming
/// the audit log.
extension AuditLog: RoundAuditTrail {
    public func appendEvent(_ event: AuditEvent) throws(FedCoreError) {
        do { try append(event) } catch { throw .output("audit log: \(error)") }
    }

    public func closeAuditedRound(_ round: Int) throws(FedCoreError) -> String {
        do { return try closeRound(round) } catch { throw .output("audit log: \(error)") }
    }

    public func closeAuditedRun(rounds: Int, epsilonCumulative: Double) throws(FedCoreError) {
        guard !isClosed else { return }
        do { try closeRun(rounds: rounds, epsilonCumulative: epsilonCumulative) } catch {
            throw .output("audit log: \(error)")
        }
    }
}
