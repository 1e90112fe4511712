import Sodium

/// What a client knows for the whole round: public configuration, its id and identity, its neighbours.
struct ClientContext: Sendable {
    let configuration: RoundConfiguration
    let id: UInt32
    let identity: Ed25519.SecretKey
    /// Sorted neighbour ids in the Harary graph (recomputed by the client itself).
    let neighbours: [UInt32]
    let neighbourSet: Set<UInt32>

    var round: UInt64 { configuration.round }
    var threshold: Int { configuration.threshold }

    func checkHeader(version: UInt8, current: UInt8, round: UInt64, receiver: UInt32) throws(SecureAggError) {
        guard version == current else { throw .unsupportedVersion(version) }
        guard round == configuration.round else { throw .wrongRound(expected: configuration.round, actual: round) }
        guard receiver == id else { throw .wrongReceiver(receiver) }
    }
}

/// Checks that `ids` is strictly increasing and within the cohort.
func checkSortedCohortIDs(_ ids: [UInt32], configuration: RoundConfiguration) throws(SecureAggError) {
    for i in ids.indices {
        guard configuration.contains(ids[i]) else { throw .unknownClient(ids[i]) }
        if i > 0 {
            guard ids[i] != ids[i - 1] else { throw .duplicateClient(ids[i]) }
            guard ids[i] > ids[i - 1] else { throw .malformedMessage("ids not in ascending order") }
        }
    }
}
