import Sodium

/// The SecAgg+ communication graph: a Harary graph H(n, k) laid on a public pseudo-random permutation of
/// the cohort (Bell et al. 2020).
///
/// Positions 0…n−1 on a ring are given to clients by the permutation. Client at position i is joined to
/// - i ± 1, …, i ± ⌊k/2⌋ (mod n) — for every k;
/// - if k is odd and n even: also i + n/2 (the "diameter"), so every degree is exactly k;
/// - if k is odd and n odd: i ↔ i + (n+1)/2 for 0 ≤ i ≤ (n−1)/2 (Harary's construction), so every degree is
///   k except position 0, which has k + 1.
/// k = n − 1 gives the complete graph (classic SecAgg). Edges are symmetric; nobody is its own neighbour.
///
/// The permutation comes from ``permutationSeed(sessionID:)``: the session id of the round, a hash of the round
/// context and of every signed advertisement the server relays (``SessionID``). It exists only after phase 0:
/// the server commits to the round (RoundStart: context, cohort, parameters) before any client has drawn its
/// fresh keys, so it can neither choose nor predict the graph when it commits, and trying many round numbers
/// offline no longer helps it. Neighbours are first needed in phase 1 (ShareKeys), when every client knows the
/// session id and recomputes its own neighbour list. What can still be ground (the set of advertisements the
/// server relays, a colluder's keys chosen last) is bounded in Docs/threat-model.md.
public struct HararyGraph: Sendable {
    public let degree: Int
    /// The cohort in ring order (position → id).
    public let ring: [UInt32]
    private let position: [UInt32: Int]

    /// Builds the graph of the round of `configuration` whose session id is `sessionID` (deterministic).
    public init(configuration: RoundConfiguration, sessionID: [UInt8]) {
        // A validated configuration always satisfies the checked initialiser's conditions.
        self.init(
            unchecked: configuration.cohort, degree: configuration.degree,
            seed: Self.permutationSeed(sessionID: sessionID))
    }

    /// Builds H(n, `degree`) over the permutation of `cohort` drawn from `seed` (32 bytes).
    /// - Throws: ``SecureAggError/invalidParameter(_:)`` unless 1 ≤ degree ≤ n − 1, ids are distinct and the
    ///   seed has 32 bytes.
    public init(cohort: [UInt32], degree: Int, seed: [UInt8]) throws(SecureAggError) {
        guard degree >= 1, degree < cohort.count else { throw .invalidParameter("degree must be 1…n−1") }
        guard seed.count == 32 else { throw .invalidParameter("permutation seed must be 32 bytes") }
        guard Set(cohort).count == cohort.count else { throw .invalidParameter("cohort ids must be distinct") }
        self.init(unchecked: cohort, degree: degree, seed: seed)
    }

    private init(unchecked cohort: [UInt32], degree: Int, seed: [UInt8]) {
        self.degree = degree
        var ring = cohort
        var rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
        // Fisher–Yates with an explicit unbiased bounded draw (independent of the stdlib's algorithm).
        if ring.count > 1 {
            for i in stride(from: ring.count - 1, to: 0, by: -1) {
                let j = Self.uniform(below: UInt64(i + 1), using: &rng)
                ring.swapAt(i, Int(j))
            }
        }
        self.ring = ring
        var position = [UInt32: Int](minimumCapacity: ring.count)
        for (i, id) in ring.enumerated() { position[id] = i }
        self.position = position
    }

    /// BLAKE2b-256("secagg.v1.harary-permutation" ‖ 0 ‖ 0x02 ‖ session id (32)). Version byte 2: version 1
    /// hashed the round context alone, which the server chooses.
    public static func permutationSeed(sessionID: [UInt8]) -> [UInt8] {
        Blake2b.hash(Array("secagg.v1.harary-permutation".utf8) + [0, 2] + sessionID, outputByteCount: 32)
    }

    /// Uniform integer in 0 ..< bound by rejection sampling (bound ≥ 1).
    static func uniform(below bound: UInt64, using rng: inout ChaChaRandom) -> UInt64 {
        let limit = UInt64.max - (UInt64.max % bound)  // accept v < limit, a multiple of bound
        while true {
            let v = rng.next()
            if v < limit { return v % bound }
        }
    }

    /// Number of vertices.
    public var count: Int { ring.count }

    /// The sorted neighbour ids of `id` (empty for an id outside the cohort). Never contains `id`.
    public func neighbours(of id: UInt32) -> [UInt32] {
        guard let i = position[id] else { return [] }
        let n = ring.count
        var result = Set<Int>()
        if degree >= n - 1 {
            for j in 0..<n where j != i { result.insert(j) }
        } else {
            let half = degree / 2
            if half > 0 {
                for d in 1...half {
                    result.insert((i + d) % n)
                    result.insert((i - d + n) % n)
                }
            }
            if degree % 2 == 1 {
                if n % 2 == 0 {
                    result.insert((i + n / 2) % n)
                } else {
                    let m = (n + 1) / 2
                    if i <= (n - 1) / 2 { result.insert((i + m) % n) }
                    // Reverse edges: j = i − m (mod n) with 0 ≤ j ≤ (n−1)/2.
                    let j = (i - m + n) % n
                    if j <= (n - 1) / 2 { result.insert(j) }
                }
            }
        }
        result.remove(i)
        return result.map { ring[$0] }.sorted()
    }

    /// True when `a` and `b` are joined.
    public func areNeighbours(_ a: UInt32, _ b: UInt32) -> Bool { neighbours(of: a).contains(b) }
}
