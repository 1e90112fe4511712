/// One audit-log event: what a round emits through a ``RoundAuditTrail``. The log that stores, signs and
/// verifies these events is FedAudit's `AuditLog`: it accepts the round events through `append(_:)`, while
/// `runStarted`, `roundClosed` and `runClosed` are written only by its `create`, `closeRound` and `closeRun`.
/// The payload types are `Codable`; their stored JSON form (snake_case keys) is defined in FedAudit.
public enum AuditEvent: Sendable, Equatable {
    case runStarted(RunStarted)
    case roundPlanned(RoundPlanned)
    case keysAdvertised(KeysAdvertised)
    case survivors(Survivors)
    case consistencyCheck(ConsistencyCheck)
    case roundCharged(AuditRoundCharged)
    case roundCompleted(AuditRoundCompleted)
    case roundFailed(AuditRoundFailed)
    case roundClosed(RoundClosed)
    case runClosed(RunClosed)

    /// The `kind` strings, as stored.
    public enum Kind: String, Sendable, CaseIterable {
        case runStarted = "run_started"
        case roundPlanned = "round_planned"
        case keysAdvertised = "keys_advertised"
        case survivors
        case consistencyCheck = "consistency_check"
        case roundCharged = "round_charged"
        case roundCompleted = "round_completed"
        case roundFailed = "round_failed"
        case roundClosed = "round_closed"
        case runClosed = "run_closed"
    }

    /// The stored `kind` of this event.
    public var kind: Kind {
        switch self {
        case .runStarted: .runStarted
        case .roundPlanned: .roundPlanned
        case .keysAdvertised: .keysAdvertised
        case .survivors: .survivors
        case .consistencyCheck: .consistencyCheck
        case .roundCharged: .roundCharged
        case .roundCompleted: .roundCompleted
        case .roundFailed: .roundFailed
        case .roundClosed: .roundClosed
        case .runClosed: .runClosed
        }
    }

    /// The round the event belongs to (nil for run-level events); stored in the `round` column.
    public var round: Int? {
        switch self {
        case .runStarted, .runClosed: nil
        case .roundPlanned(let p): p.round
        case .keysAdvertised(let p): p.round
        case .survivors(let p): p.round
        case .consistencyCheck(let p): p.round
        case .roundCharged(let p): p.round
        case .roundCompleted(let p): p.round
        case .roundFailed(let p): p.round
        case .roundClosed(let p): p.round
        }
    }
}
