import Sodium
import Testing

@testable import SecureAgg

@Suite struct HararyGraphTests {
    static let seed = [UInt8](repeating: 7, count: 32)

    @Test(arguments: [(10, 4), (11, 4), (10, 3), (11, 3), (12, 11), (13, 12), (50, 7), (200, 20), (7, 1)])
    func degreesAreExactAndEdgesSymmetric(n: Int, k: Int) throws {
        let cohort = (1...n).map { UInt32($0 * 3) }
        let graph = try HararyGraph(cohort: cohort, degree: k, seed: Self.seed)
        var extra = 0
        for id in cohort {
            let nb = graph.neighbours(of: id)
            #expect(!nb.contains(id))
            #expect(Set(nb).count == nb.count)
            #expect(nb == nb.sorted())
            for v in nb { #expect(graph.neighbours(of: v).contains(id)) }
            if nb.count == k + 1 { extra += 1 } else { #expect(nb.count == k) }
        }
        // Harary: odd k with odd n leaves exactly one vertex of degree k + 1; otherwise none.
        #expect(extra == (k % 2 == 1 && n % 2 == 1 && k < n - 1 ? 1 : 0))
    }

    @Test func completeGraphWhenDegreeIsNMinusOne() throws {
        let cohort: [UInt32] = Array(1...9)
        let graph = try HararyGraph(cohort: cohort, degree: 8, seed: Self.seed)
        for id in cohort { #expect(graph.neighbours(of: id) == cohort.filter { $0 != id }) }
    }

    @Test func permutationIsDeterministicFromTheSessionID() throws {
        let f1 = try Fixture(n: 40, degree: 6, threshold: 4, seed: 1)
        let f2 = try Fixture(n: 40, degree: 6, threshold: 4, seed: 1)
        let session = [UInt8](repeating: 9, count: 32)
        let g1 = HararyGraph(configuration: f1.configuration, sessionID: session)
        #expect(g1.ring == HararyGraph(configuration: f2.configuration, sessionID: session).ring)
        #expect(g1.ring.sorted() == f1.configuration.cohort)
        #expect(g1.ring != f1.configuration.cohort)  // really permuted (probability of identity 1/40!)
        // Another session id → another permutation.
        let other = HararyGraph(configuration: f1.configuration, sessionID: [UInt8](repeating: 10, count: 32))
        #expect(other.ring != g1.ring)
    }

    /// Issue 15, finding 1: the graph is not the server's choice. Two servers that differ only in the round
    /// number they commit to (RoundStart) get graphs that depend on that number only through the session id,
    /// and the session id hashes the clients' fresh advertisements, which do not exist when the server
    /// commits: the same round with other client keys has another graph, so the server cannot predict the
    /// graph of any round number it might try, and trying round numbers offline gains it nothing.
    @Test func theServerCannotChooseTheGraph() throws {
        let round7 = try Fixture(n: 30, degree: 6, threshold: 4, round: 7)
        let round8 = try Fixture(n: 30, degree: 6, threshold: 4, round: 8)
        // Everything the server fixes is in the configuration; the seed needs a session id on top.
        let session = [UInt8](repeating: 5, count: 32)
        #expect(
            HararyGraph(configuration: round7.configuration, sessionID: session).ring
                == HararyGraph(configuration: round8.configuration, sessionID: session).ring,
            "the round number alone does not move the graph")
        // One committed round, two sets of fresh client keys: two graphs. Clients and server agree on each.
        var rings = [[UInt32]]()
        for keys in [UInt64(1), 2] {
            var h = try Harness(round7, seed: keys)
            try h.advertise()
            try h.shareKeys()
            let sessionID = try #require(h.keyBroadcasts[1]?.sessionID)
            let graph = HararyGraph(configuration: round7.configuration, sessionID: sessionID)
            for id in round7.configuration.cohort {
                #expect(h.clients[id]!.neighbours == graph.neighbours(of: id), "client \(id) agrees")
                #expect(h.clients[id]!.neighbours.count == 6)
            }
            rings.append(graph.ring)
        }
        #expect(rings[0] != rings[1], "fresh client keys, which the server cannot predict, move the graph")
        // Before the key broadcast nobody has a graph: no neighbour exists when the round is announced.
        let fresh = try Harness(round7, seed: 3)
        #expect(fresh.clients.values.allSatisfy { $0.neighbours.isEmpty })
    }

    @Test func unknownIDHasNoNeighbours() throws {
        let graph = try HararyGraph(cohort: [1, 2, 3, 4], degree: 2, seed: Self.seed)
        #expect(graph.neighbours(of: 99).isEmpty)
    }

    @Test func invalidGraphParametersAreRefused() {
        #expect(throws: SecureAggError.invalidParameter("degree must be 1…n−1")) {
            try HararyGraph(cohort: [1, 2, 3], degree: 3, seed: Self.seed)
        }
        #expect(throws: SecureAggError.invalidParameter("permutation seed must be 32 bytes")) {
            try HararyGraph(cohort: [1, 2, 3], degree: 2, seed: [1])
        }
        #expect(throws: SecureAggError.invalidParameter("cohort ids must be distinct")) {
            try HararyGraph(cohort: [1, 2, 2], degree: 2, seed: Self.seed)
        }
    }
}
