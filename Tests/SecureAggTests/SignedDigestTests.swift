import Sodium
import Testing

@testable import SecureAgg

/// Wire version 4: advertisements sign the round context's digest and consistency signatures the survivor
/// list's, so every signed message is O(1) bytes; a signature made over a context or list that differs in one
/// id does not verify over the other, and the previous message versions are refused.
@Suite struct SignedDigestTests {
    @Test func signedMessagesHaveAFixedSizeWhateverTheCohort() throws {
        for n in [5, 40, 300] {
            let fixture = try Fixture(n: n, degree: 4, threshold: 3)
            let c = fixture.configuration
            #expect(c.contextBytes.count == 121 + 4 * n)
            #expect(c.contextDigest == RoundConfiguration.contextDigest(of: c.contextBytes))
            var rng = ChaChaRandom.seeded(UInt64(n))
            var client = try SecAggClient(configuration: c, id: 1, identity: fixture.identities[1]!, using: &rng)
            let ad = try client.advertiseKeys()
            #expect(ad.version == 2)
            #expect(ad.signedBytes(contextDigest: c.contextDigest).count == 157)
            let sessionID = [UInt8](repeating: 7, count: 32)
            let signed = ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: c.cohort)
            #expect(signed.count == 90)
        }
    }

    @Test func anAdvertisementSignedForACohortDifferingInOneIDIsRefused() throws {
        let fixture = try Fixture(n: 6, degree: 3, threshold: 2)
        let c = fixture.configuration
        let cohortA: [UInt32] = [1, 2, 3, 4, 5]
        let cohortB: [UInt32] = [1, 2, 3, 4, 6]
        let a = try RoundConfiguration(
            round: c.round, cohort: cohortA, degree: 3, threshold: 2, bits: c.bits, vectorLength: c.vectorLength,
            registry: c.registry)
        let b = try RoundConfiguration(
            round: c.round, cohort: cohortB, degree: 3, threshold: 2, bits: c.bits, vectorLength: c.vectorLength,
            registry: c.registry)
        #expect(a.contextDigest != b.contextDigest)
        var rng = ChaChaRandom.seeded(5)
        var client = try SecAggClient(configuration: a, id: 1, identity: fixture.identities[1]!, using: &rng)
        let ad = try client.advertiseKeys()
        var serverA = SecAggServer(configuration: a)
        #expect(try serverA.receiveAdvertisement(ad) == .accepted)
        var serverB = SecAggServer(configuration: b)
        #expect(try serverB.receiveAdvertisement(ad) == .rejected(.invalidSignature(client: 1)))
        #expect(!ad.hasValidSignature(configuration: b))
    }

    /// A round where client 7 sends no masked input: U3 = the cohort without 7. `altered` replaces survivor 6
    /// by 7: same length, still ascending, one id different.
    static func roundWithoutSeven() throws -> (harness: Harness, survivors: [UInt32], altered: [UInt32]) {
        var h = try Harness(Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8))
        try h.advertise()
        try h.shareKeys()
        try h.maskInputs(skip: [7])
        let survivors = try #require(h.consistencyRequests[1]).survivors
        #expect(survivors == [1, 2, 3, 4, 5, 6, 8, 9, 10])
        let altered = survivors.map { $0 == 6 ? 7 : $0 }
        return (h, survivors, altered)
    }

    @Test func aConsistencySignatureOverAListDifferingInOneIDIsRefused() throws {
        let round = try Self.roundWithoutSeven()
        var h = round.harness
        let (survivors, altered) = (round.survivors, round.altered)
        let sessionID = try #require(h.keyBroadcasts[1]).sessionID
        #expect(ConsistencyRequest.survivorListDigest(sessionID: sessionID, survivors: survivors)
            != ConsistencyRequest.survivorListDigest(sessionID: sessionID, survivors: altered))
        let key = try #require(h.fixture.identities[1])
        let number = h.fixture.configuration.round
        let wrong = ConsistencyCheck(
            round: number, sender: 1,
            signature: key.sign(ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: altered)))
        #expect(try h.server.receiveConsistencyCheck(wrong) == .rejected(.invalidSignature(client: 1)))
        let right = ConsistencyCheck(
            round: number, sender: 2,
            signature: try #require(h.fixture.identities[2]).sign(
                ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: survivors)))
        #expect(try h.server.receiveConsistencyCheck(right) == .accepted)
    }

    @Test func aQuorumSignedOverAListDifferingInOneIDRevealsNothing() throws {
        let round = try Self.roundWithoutSeven()
        var h = round.harness
        let altered = round.altered
        try h.checkConsistency()
        let sessionID = try #require(h.keyBroadcasts[1]).sessionID
        var request = try #require(h.unmaskingRequests[1])
        let wrongBytes = ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: altered)
        for i in request.signatures.indices {
            let signer = request.signatures[i].signer
            request.signatures[i].signature = try #require(h.fixture.identities[signer]).sign(wrongBytes)
        }
        var client = try #require(h.clients[1])
        let error = secureAggError { _ = try client.unmask(request) }
        #expect(error == .tooFewSignatures(valid: 0, required: 6))
        // The same request with the signatures the survivors made over their list is answered.
        var honest = try #require(h.clients[2])
        let answer = try honest.unmask(try #require(h.unmaskingRequests[2]))
        #expect(!answer.shares.isEmpty)
    }

    @Test func version1AdvertisementsAndConsistencyChecksAreRefused() throws {
        var h = try Harness(Fixture(n: 6, degree: 3, threshold: 2))
        var client = try #require(h.clients[1])
        var ad = try client.advertiseKeys()
        ad.version = 1
        #expect(try h.server.receiveAdvertisement(ad) == .rejected(.unsupportedVersion(1)))
        try h.advertise(skip: [1])
        try h.shareKeys()
        try h.maskInputs()
        var two = try #require(h.clients[2])
        var check = try two.consistencyCheck(try #require(h.consistencyRequests[2]))
        check.version = 1
        #expect(try h.server.receiveConsistencyCheck(check) == .rejected(.unsupportedVersion(1)))
    }
}
