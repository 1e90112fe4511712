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

    @Test func permutationIsDeterministicFromRoundContext() throws {
        let f1 = try Fixture(n: 40, degree: 6, threshold: 4, seed: 1)
        let f2 = try Fixture(n: 40, degree: 6, threshold: 4, seed: 1)
        let g1 = HararyGraph(configuration: f1.configuration)
        #expect(g1.ring == HararyGraph(configuration: f2.configuration).ring)
        #expect(g1.ring.sorted() == f1.configuration.cohort)
        #expect(g1.ring != f1.configuration.cohort)  // really permuted (probability of identity 1/40!)
        // Another round, another registry → another permutation.
        let other = try Fixture(n: 40, degree: 6, threshold: 4, round: 8, seed: 1)
        #expect(HararyGraph(configuration: other.configuration).ring != g1.ring)
        let otherRegistry = try Fixture(n: 40, degree: 6, threshold: 4, seed: 2)
        #expect(HararyGraph(configuration: otherRegistry.configuration).ring != g1.ring)
    }

    @Test func neighboursDoNotDependOnAdvertisedKeys() throws {
        // Two runs with different per-round keys (different rng) give identical neighbour lists.
        let fixture = try Fixture(n: 30, degree: 6, threshold: 4)
        var a = try Harness(fixture, seed: 1)
        var b = try Harness(fixture, seed: 2)
        try a.advertise()
        try b.advertise()
        #expect(a.advertisements[1]?.maskingKey != b.advertisements[1]?.maskingKey)
        for id in fixture.configuration.cohort {
            #expect(a.clients[id]!.neighbours == b.clients[id]!.neighbours)
            #expect(a.clients[id]!.neighbours == HararyGraph(configuration: fixture.configuration).neighbours(of: id))
        }
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
