/// What the server knows for the whole round.
struct ServerContext: Sendable {
    let configuration: RoundConfiguration
    let graph: HararyGraph

    var round: UInt64 { configuration.round }
    var threshold: Int { configuration.threshold }

    func checkHeader(version: UInt8, current: UInt8, round: UInt64) throws(SecureAggError) {
        guard version == current else { throw .unsupportedVersion(version) }
        guard round == configuration.round else { throw .wrongRound(expected: configuration.round, actual: round) }
    }
}

/// The server's verdict on one client message. A rejected message drops its sender for the rest of the
/// round (its contribution, if any, is not used); the round continues while ≥ t clients remain.
public enum Receipt: Sendable, Equatable {
    case accepted
    case rejected(SecureAggError)
}

/// The outcome of a completed round.
public struct AggregationResult: Sendable, Equatable {
    /// Σ x_u mod 2^b over `survivors`, m coordinates.
    public let sum: [UInt32]
    /// Clients whose inputs are in the sum (ascending).
    public let survivors: [UInt32]
    /// Clients that shared keys but whose input is not in the sum (ascending).
    public let dropped: [UInt32]
}
