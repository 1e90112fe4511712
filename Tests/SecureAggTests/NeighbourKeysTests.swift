import Sodium
import Testing

@testable import SecureAgg

/// A client keeps its per-neighbour share keys and mask seeds in one buffer (``NeighbourKeys``): every lookup must
/// give back exactly the secret agreed with that neighbour, and nothing for anyone else.
@Suite struct NeighbourKeysTests {
    @Test("each neighbour's share key and seed come back exactly; other ids get nothing")
    func lookupsReturnTheAgreedSecrets() throws {
        var rng = ChaChaRandom.seeded(5)
        let ids: [UInt32] = [2, 3, 7, 40, 41, 1000]
        let entries = ids.map { (id: $0, shareKey: rng.secureBytes(count: 32), seed: MaskSeed.random(using: &rng)) }
        let keys = NeighbourKeys(entries)
        #expect(keys.ids == ids)
        for entry in entries {
            #expect(try #require(keys.shareKey(for: entry.id)) == entry.shareKey)
            #expect(try #require(keys.pairwiseSeed(for: entry.id)) == entry.seed)
            #expect(keys.shareKey(for: entry.id) != entry.seed.key)  // the two halves are not mixed up
        }
        for stranger: UInt32 in [0, 1, 4, 39, 42, 999, 1001, .max] {
            #expect(keys.shareKey(for: stranger) == nil)
            #expect(keys.pairwiseSeed(for: stranger) == nil)
        }
        #expect(NeighbourKeys([]).shareKey(for: 2) == nil)
    }
}
