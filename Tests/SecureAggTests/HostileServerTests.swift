import Sodium
import Testing

@testable import SecureAgg

/// A dishonest server that splits the consistency step into two views of a victim (issue 12): group A is
/// shown the victim as dropped, group B (with the victim) as surviving, each group's own signatures attached.
/// Without the security floor and the quorum, A reveals the victim's s_sk-shares and B its b-shares.
@Suite("Hostile server: the two-view partition attack")
struct HostileServerTests {
    /// Every (n, k, t) with n ≤ 12 a hostile RoundStart could announce: below the floor the client refuses
    /// before any key exists; at or above it, every split of the others into A and B (all of them for n ≤ 7,
    /// a seeded sample beyond) leaves every owner with at most one kind of share revealed by honest clients.
    @Test(arguments: Array(3...12))
    func partitionAttackNeverRevealsBothKinds(n: Int) throws {
        var splitsTried = 0
        for k in 1...(n - 1) {
            for t in 1...k {
                let fixture = try Fixture(n: n, degree: k, threshold: t, bits: 16, m: 4, seed: UInt64(n * 100 + k))
                let floor = SecurityFloor.minimumThreshold(degree: k, colluders: 0)
                if t < floor {
                    var rng = ChaChaRandom.seeded(1)
                    let error = secureAggError {
                        _ = try SecAggClient(
                            configuration: fixture.configuration, id: 1, identity: fixture.identities[1]!, using: &rng)
                    }
                    #expect(error == .belowSecurityFloor(threshold: t, required: floor, degree: k, colluders: 0))
                    continue
                }
                var harness = try Harness(fixture, seed: UInt64(k * 31 + t))
                try harness.advertise()
                try harness.shareKeys()
                try harness.maskInputs()
                let victim: UInt32 = 1
                let others = harness.cohort.filter { $0 != victim }
                for groupA in Self.splits(of: others, seed: UInt64(n * 1000 + k * 10 + t)) {
                    splitsTried += 1
                    let revealed = try Self.attack(harness, victim: victim, groupA: groupA)
                    for (owner, kinds) in revealed {
                        #expect(kinds.count <= 1, "n=\(n) k=\(k) t=\(t) A=\(groupA.sorted()): owner \(owner) revealed as \(kinds)")
                    }
                }
            }
        }
        #expect(splitsTried > 0)
    }

    /// Runs phases 3 and 4 as the hostile server; returns, per owner, the kinds of share honest clients revealed.
    static func attack(_ harness: Harness, victim: UInt32, groupA: Set<UInt32>) throws -> [UInt32: Set<ShareKind>] {
        var clients = harness.clients  // value types: a fork of every client's state
        let round = harness.fixture.configuration.round
        let listA = harness.cohort.filter { $0 != victim }
        let listB = harness.cohort
        var signaturesA = [SurvivorSignature]()
        var signaturesB = [SurvivorSignature]()
        for id in harness.cohort {
            let inA = groupA.contains(id)
            let list = inA ? listA : listB
            guard var client = clients[id] else { continue }
            let request = ConsistencyRequest(round: round, receiver: id, survivors: list)
            if let check = try? client.consistencyCheck(request) {
                let entry = SurvivorSignature(signer: id, signature: check.signature)
                if inA { signaturesA.append(entry) } else { signaturesB.append(entry) }
            }
            clients[id] = client
        }
        var revealed = [UInt32: Set<ShareKind>]()
        for id in harness.cohort {
            let inA = groupA.contains(id)
            guard var client = clients[id] else { continue }
            let request = UnmaskingRequest(
                round: round, receiver: id, survivors: inA ? listA : listB, dropped: inA ? [victim] : [],
                signatures: inA ? signaturesA : signaturesB)
            if let response = try? client.unmask(request) {
                for share in response.shares { revealed[share.owner, default: []].insert(share.kind) }
            }
        }
        return revealed
    }

    /// Group A candidates: every subset of `others` when there are at most 6, else 16 seeded random subsets
    /// plus the balanced halves.
    static func splits(of others: [UInt32], seed: UInt64) -> [Set<UInt32>] {
        if others.count <= 6 {
            return (0..<(1 << others.count)).map { mask in
                Set(others.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element))
            }
        }
        let rng = ChaChaRandom.seeded(seed)
        var out = [Set(others.prefix(others.count / 2)), Set(others.suffix(others.count / 2))]
        for _ in 0..<16 { out.append(Set(others.filter { _ in rng.next() & 1 == 1 })) }
        return out
    }

    /// The floor, exhaustively: k neighbours hold one share each of the victim's two secrets; up to c collude
    /// (reveal both), each honest one reveals at most one kind. Both kinds reach t iff 2t ≤ k + c.
    @Test func floorIsExactlyWhereBothKindsBecomeReachable() {
        for k in 1...12 {
            for c in 0...k {
                for t in 1...k {
                    var reachable = false
                    for colluding in 0...min(c, k) {
                        let honest = k - colluding
                        for b in 0...honest where !reachable {
                            let s = honest - b
                            if colluding + b >= t && colluding + s >= t { reachable = true }
                        }
                    }
                    let refused = t < max(SecurityFloor.minimumThreshold(degree: k, colluders: c), c + 1)
                    let colludersAlone = c >= t
                    #expect(refused == (reachable || colludersAlone), "k=\(k) c=\(c) t=\(t)")
                }
            }
        }
    }

    /// The quorum, exhaustively for small n: two different lists cannot both collect Q signers when honest
    /// clients sign one list, for every way of splitting n − c honest signers; and Q − 1 would allow it.
    @Test func quorumIsTheSmallestNoTwoListsReach() {
        for n in 2...40 {
            for c in 0..<n {
                let q = SecurityFloor.consistencyQuorum(cohort: n, colluders: c)
                let honest = n - c
                // Best split for the attacker: each list gets all colluders plus a share of the honest.
                let bothReach = { (quorum: Int) in
                    (0...honest).contains { a in c + a >= quorum && c + (honest - a) >= quorum }
                }
                #expect(!bothReach(q), "n=\(n) c=\(c)")
                #expect(bothReach(q - 1) || q - 1 > n, "n=\(n) c=\(c): Q is not the smallest")
            }
        }
    }

    /// Colluders raise the floor: a client assuming c colluders refuses t = ⌊(k + c)/2⌋ and accepts one more.
    @Test func colludersRaiseTheFloor() throws {
        let fixture = try Fixture(n: 9, degree: 8, threshold: 5)
        var rng = ChaChaRandom.seeded(3)
        let identity = fixture.identities[1]!
        #expect(throws: Never.self) {
            _ = try SecAggClient(configuration: fixture.configuration, id: 1, identity: identity, colluders: 1, using: &rng)
        }
        let error = secureAggError {
            _ = try SecAggClient(configuration: fixture.configuration, id: 1, identity: identity, colluders: 2, using: &rng)
        }
        #expect(error == .belowSecurityFloor(threshold: 5, required: 6, degree: 8, colluders: 2))
    }

    /// A client refuses to sign a survivor list shorter than the announced minimum survivors.
    @Test func survivorListBelowMinimumIsRefused() throws {
        let fixture = try Fixture(n: 8, degree: 7, threshold: 4)
        var harness = try Harness(fixture)
        for id in harness.cohort {
            var rng = ChaChaRandom.seeded(UInt64(id))
            harness.clients[id] = try SecAggClient(
                configuration: fixture.configuration, id: id, identity: fixture.identities[id]!, minimumSurvivors: 7,
                using: &rng)
        }
        try harness.advertise()
        try harness.shareKeys()
        try harness.maskInputs()
        let short = Array(harness.cohort.prefix(6))
        var client = harness.clients[1]!
        let error = secureAggError {
            _ = try client.consistencyCheck(
                ConsistencyRequest(round: fixture.configuration.round, receiver: 1, survivors: short))
        }
        #expect(error == .tooFewClients(phase: .consistencyCheck, available: 6, required: 7))
    }
}
