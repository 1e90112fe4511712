import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// The in-process simulation's shared derivations hand a cached value only to inputs stored in the same place;
/// any other input, equal or not, gets what a client deriving it itself gets.
@Suite struct SharedRoundDerivationsTests {
    let configuration: RoundConfiguration

    init() throws {
        var rng = ChaChaRandom.seeded(5)
        var registry = [UInt32: Ed25519.PublicKey]()
        for id in UInt32(1)...8 { registry[id] = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32)).publicKey }
        configuration = try RoundConfiguration(
            round: 1, cohort: Array(1...8), degree: 4, threshold: 3, bits: 16, vectorLength: 4, registry: registry)
    }

    @Test func sameStorageHoldsForCopiesOnly() {
        let a: [UInt32] = [1, 2, 3]
        let copy = a
        let apart: [UInt32] = [1, 2, 3]
        #expect(sameStorage(a, copy))
        #expect(!sameStorage(a, apart))
        #expect(!sameStorage(a, Array(a.prefix(2))))
    }

    @Test func survivorListsAreNeverStale() {
        let shared = SharedRoundDerivations()
        let direct = RecomputedDerivations()
        let session = [UInt8](repeating: 7, count: 32)
        let lists: [[UInt32]] = [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 5, 6], [3, 1, 2, 4, 5]]
        for list in lists + lists.reversed() {
            let s = shared.survivorList(configuration: configuration, sessionID: session, survivors: list)
            let d = direct.survivorList(configuration: configuration, sessionID: session, survivors: list)
            #expect(s.signedBytes == d.signedBytes && s.members == d.members && (s.formError == nil) == (d.formError == nil))
        }
        // A cached list under another session id is derived afresh.
        let other = [UInt8](repeating: 8, count: 32)
        let s = shared.survivorList(configuration: configuration, sessionID: other, survivors: lists[0])
        #expect(s.signedBytes == ConsistencyRequest.signedBytes(sessionID: other, survivors: lists[0]))
    }
}
