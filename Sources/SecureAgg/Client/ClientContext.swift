import Sodium

/// What a client knows for the whole round: public configuration, its id and identity, and from phase 1 on its
/// neighbours.
struct ClientContext: Sendable {
    let configuration: RoundConfiguration
    let id: UInt32
    let identity: Ed25519.SecretKey
    /// Sorted neighbour ids in the Harary graph (recomputed by the client itself from the session id): empty
    /// in phase 0, set by ``withNeighbours(graph:)`` once the key broadcast's session id is checked.
    private(set) var neighbours: [UInt32] = []
    private(set) var neighbourSet: Set<UInt32> = []
    /// Colluding clients this client assumes (its own policy; ≥ 0). Sets the security floor and the quorum.
    let colluders: Int
    /// Fewest survivors the round announced (the DP noise was sized for it); the survivor list must reach it.
    let minimumSurvivors: Int
    /// Counts the valid signatures on the survivor list (phase 4).
    let quorumVerifier: any QuorumVerifier
    /// Where the client gets values every client derives alike from public data (``RoundDerivations``).
    let derivations: any RoundDerivations

    init(
        configuration: RoundConfiguration, id: UInt32, identity: Ed25519.SecretKey, colluders: Int,
        minimumSurvivors: Int, quorumVerifier: any QuorumVerifier = DirectQuorumVerifier(),
        derivations: any RoundDerivations = RecomputedDerivations()
    ) {
        self.quorumVerifier = quorumVerifier
        self.derivations = derivations
        self.configuration = configuration
        self.id = id
        self.identity = identity
        self.colluders = colluders
        self.minimumSurvivors = minimumSurvivors
    }

    /// This context with its neighbours in the round's graph (``HararyGraph/init(configuration:sessionID:)``).
    func withNeighbours(graph: HararyGraph) -> ClientContext {
        var copy = self
        copy.neighbours = graph.neighbours(of: id)
        copy.neighbourSet = Set(copy.neighbours)
        return copy
    }

    var round: UInt64 { configuration.round }
    var threshold: Int { configuration.threshold }
    /// Valid signatures over one survivor list needed before any share is revealed (``SecurityFloor``).
    var quorum: Int { SecurityFloor.consistencyQuorum(cohort: configuration.cohort.count, colluders: colluders) }
    /// Shortest survivor list this client signs: t, the quorum and the announced minimum survivors.
    var shortestSurvivorList: Int { max(threshold, quorum, minimumSurvivors) }

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
