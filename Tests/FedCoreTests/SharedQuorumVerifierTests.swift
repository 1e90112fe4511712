import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// The in-process simulation's shared quorum verifier remembers what it verified; it must count exactly what a
/// client verifying every signature itself counts, whatever it saw before.
@Suite struct SharedQuorumVerifierTests {
    let keys: [UInt32: Ed25519.SecretKey]
    let registry: [UInt32: Ed25519.PublicKey]

    init() throws {
        var rng = ChaChaRandom.seeded(11)
        var keys = [UInt32: Ed25519.SecretKey]()
        for id in UInt32(1)...6 { keys[id] = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32)) }
        self.keys = keys
        registry = keys.mapValues(\.publicKey)
    }

    func signatures(on message: [UInt8], by ids: [UInt32], forgedBy forger: UInt32? = nil) -> [SurvivorSignature] {
        ids.map { id in
            // A forger signs in another client's name with its own key.
            let key = forger.flatMap { keys[$0] } ?? keys[id]!
            return SurvivorSignature(signer: id, signature: key.sign(message))
        }
    }

    @Test func countsWhatADirectVerifierCountsAndNeverTrustsAForgeryAfterAValidSignature() {
        let shared = SharedQuorumVerifier()
        let direct = DirectQuorumVerifier()
        let listA = Array("survivors 1 2 3 4 5 6".utf8)
        let listB = Array("survivors 1 2 3 4 5".utf8)
        let eligible = Set(UInt32(1)...6)
        let honest = signatures(on: listA, by: Array(1...6))
        func both(_ entries: [SurvivorSignature], _ message: [UInt8], needed: Int = 6) -> (Set<UInt32>, Set<UInt32>) {
            (shared.validSigners(entries, eligible: eligible, registry: registry, message: message, needed: needed),
             direct.validSigners(entries, eligible: eligible, registry: registry, message: message, needed: needed))
        }
        var (s, d) = both(honest, listA)
        #expect(s == d && s.count == 6)
        // Signer 2's entry replaced by a forgery (client 5's key) on the same list: not counted, although a
        // valid signature of signer 2 on that list is remembered.
        var forged = honest
        forged[1] = signatures(on: listA, by: [2], forgedBy: 5)[0]
        (s, d) = both(forged, listA)
        #expect(s == d && !s.contains(2) && s.count == 5)
        // Valid signatures on list A say nothing about list B.
        (s, d) = both(honest, listB)
        #expect(s == d && s.isEmpty)
        // Ineligible signers never count.
        let some = shared.validSigners(honest, eligible: [1, 3], registry: registry, message: listA, needed: 6)
        #expect(some == [1, 3])
        // Seen twice, answered the same.
        (s, d) = both(honest, listA)
        #expect(s == d && s.count == 6)
    }
}
