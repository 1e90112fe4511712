import Sodium
import Testing

@testable import SecureAgg

@Suite struct InvariantTests {
    /// Invariant 1: no client ever reveals both shares for the same neighbour — within one response, across
    /// a second request, and across clients (the survivor list is pinned by the consistency signatures).
    @Test(arguments: [UInt64(1), 2, 3])
    func noClientEverRevealsBothSharesOfOneNeighbour(seed: UInt64) throws {
        let fixture = try Fixture(n: 16, degree: 6, threshold: 4, bits: 16, m: 8, seed: seed)
        var h = try Harness(fixture, seed: seed)
        try h.advertise()
        try h.shareKeys()
        let pick = ChaChaRandom.seeded(seed)
        let droppers = Set(h.cohort.filter { _ in pick.next() % 4 == 0 })
        try h.maskInputs(skip: droppers)
        try h.checkConsistency()
        var kindsByOwner = [UInt32: Set<ShareKind>]()
        for id in h.unmaskingRequests.keys.sorted() {
            let request = h.unmaskingRequests[id]!
            let response = try h.clients[id]!.unmask(request)
            #expect(Set(response.shares.map(\.owner)).count == response.shares.count)
            for s in response.shares { kindsByOwner[s.owner, default: []].insert(s.kind) }
            // A second request with the lists swapped is refused: the client has completed.
            var flipped = request
            flipped.dropped = request.survivors.filter { $0 != id }
            flipped.survivors = request.dropped + [id]
            #expect(
                secureAggError { _ = try h.clients[id]!.unmask(flipped) }
                    == .wrongState(expected: "R4Unmasking", actual: "Completed"))
        }
        for (owner, kinds) in kindsByOwner {
            #expect(kinds.count == 1, "owner \(owner) had both kinds revealed")
            #expect(kinds.first == (droppers.contains(owner) ? .maskingKey : .selfSeed))
        }
    }

    /// Invariant 3 on the client side: the server output equals the plain sum (covered across dropout patterns
    /// in RoundSumTests); here the complete graph (classic SecAgg) with drops at every phase.
    @Test func classicSecAggCompleteGraphSumsExactly() throws {
        let fixture = try Fixture(n: 12, degree: 11, threshold: 6, bits: 32, m: 16)
        var rng = ChaChaRandom.seeded(5)
        let inputs = fixture.inputs(seed: 6)
        let dropouts: [UInt32: Phase] = [
            1: .advertiseKeys, 2: .shareKeys, 3: .maskedInput, 4: .consistencyCheck, 5: .unmasking,
        ]
        let result = try InProcessRound.run(
            configuration: fixture.configuration, identities: fixture.identities, dropouts: dropouts, using: &rng
        ) { (id) throws(SecureAggError) -> [UInt32] in inputs[id] ?? [] }
        #expect(result.survivors == [4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(result.dropped == [3])
        #expect(result.sum == fixture.plainSum(inputs, over: result.survivors))
    }

    /// Invariant 2: a keystream (key, nonce) never serves two purposes, vectors or rounds. Within a round each
    /// pairwise seed is shared by exactly its two ends; self seeds are unique; nothing repeats across rounds.
    @Test func noKeystreamIsReusedAcrossPairsPurposesOrRounds() throws {
        var streams = [[UInt8]: Int]()  // key ‖ nonce → uses
        for round: UInt64 in [7, 8] {
            let fixture = try Fixture(n: 12, degree: 4, threshold: 3, round: round)
            var h = try Harness(fixture, seed: 3)  // same randomness in both rounds on purpose
            try h.advertise()
            try h.shareKeys()
            for id in h.cohort {
                guard case .r2MaskedInput(let state) = h.clients[id]!.state else {
                    Issue.record("client \(id) not in R2")
                    continue
                }
                let selfKey =
                    state.selfMaskSeed.key.withUnsafeBytes { Array($0) }
                    + MaskExpansion.nonce(purpose: .selfMask, vectorIndex: 0)
                streams[selfKey, default: 0] += 1
                for v in state.neighbourKeys.ids {
                    guard let seed = state.neighbourKeys.pairwiseSeed(for: v) else { continue }
                    let key =
                        seed.key.withUnsafeBytes { Array($0) }
                        + MaskExpansion.nonce(purpose: .pairwiseMask, vectorIndex: 0)
                    streams[key, default: 0] += 1
                }
            }
        }
        let selfCount = 2 * 12
        let pairCount = 2 * 12 * 4 / 2
        #expect(streams.count == selfCount + pairCount)
        #expect(streams.values.filter { $0 == 1 }.count == selfCount)
        #expect(streams.values.filter { $0 == 2 }.count == pairCount)
    }
}
