import Sodium
import Testing

@testable import SecureAgg

/// Every refusal of a client facing a misbehaving server or peer. Each refusal aborts the client for good.
@Suite struct ClientRefusalTests {
    static func harness() throws -> Harness {
        try Harness(Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8))
    }

    static func expectRefusal(
        _ h: inout Harness, _ id: UInt32, _ expected: SecureAggError,
        _ body: (inout SecAggClient) throws -> Void
    ) {
        var client = h.clients[id]!
        let error = secureAggError { try body(&client) }
        #expect(error == expected)
        #expect(client.abortReason == expected)
        h.clients[id] = client
    }

    // MARK: Phase 1 (key broadcast)

    @Test func sessionIDTheClientCannotRecomputeIsRefused() throws {
        var h = try Self.harness()
        try h.advertise()
        var b = h.keyBroadcasts[1]!
        b.sessionID[0] ^= 1
        var rng = ChaChaRandom.seeded(1)
        Self.expectRefusal(&h, 1, .sessionIDMismatch) { _ = try $0.shareKeys(b, using: &rng) }
    }

    @Test func badAdvertisementSignatureIsRefusedByClientAndServer() throws {
        var h = try Self.harness()
        var ads = [AdvertiseKeys]()
        for id in h.cohort { ads.append(try h.clients[id]!.advertiseKeys()) }
        var forged = ads[2]
        forged.maskingKey = ads[3].maskingKey  // swap in another key; signature no longer matches
        #expect(try h.server.receiveAdvertisement(forged) == .rejected(.invalidSignature(client: 3)))
        var sigFlip = ads[4]
        sigFlip.signature[0] ^= 1
        #expect(try h.server.receiveAdvertisement(sigFlip) == .rejected(.invalidSignature(client: 5)))
        // A malicious server forwards the forged advertisement anyway: a neighbour of client 3 (in the graph of
        // this session id) checks it against the registry and refuses.
        var list = ads
        list[2] = forged
        let config = h.fixture.configuration
        let sessionID = SessionID.compute(configuration: config, advertisements: list)
        let graph = HararyGraph(configuration: config, sessionID: sessionID)
        let neighbour = try #require(graph.neighbours(of: 3).first)
        let broadcast = KeyBroadcast(
            round: config.round, receiver: neighbour, advertisements: list, sessionID: sessionID)
        var rng = ChaChaRandom.seeded(2)
        Self.expectRefusal(&h, neighbour, .invalidSignature(client: 3)) {
            _ = try $0.shareKeys(broadcast, using: &rng)
        }
        // A non-neighbour checks its form only (it never uses client 3's keys); the forged advertisement still
        // enters its session id (Docs/protocol.md, "What each party checks").
        let stranger = try #require(config.cohort.first { $0 != 3 && !graph.areNeighbours($0, 3) })
        var other = h.clients[stranger]!
        let fromStranger = KeyBroadcast(
            round: config.round, receiver: stranger, advertisements: list, sessionID: sessionID)
        _ = try other.shareKeys(fromStranger, using: &rng)
        #expect(!other.neighbours.contains(3))
    }

    @Test func fewerThanThresholdKeysAreRefused() throws {
        var h = try Self.harness()
        try h.advertise()
        let full = h.keyBroadcasts[1]!
        let config = h.fixture.configuration
        // Keep only the client itself and two others (t = 4).
        let kept = full.advertisements.filter { [1, 2, 3].contains($0.sender) }
        let small = KeyBroadcast(
            round: config.round, receiver: 1, advertisements: kept,
            sessionID: SessionID.compute(configuration: config, advertisements: kept))
        var rng = ChaChaRandom.seeded(3)
        Self.expectRefusal(&h, 1, .tooFewClients(phase: .advertiseKeys, available: 3, required: 4)) {
            _ = try $0.shareKeys(small, using: &rng)
        }
    }

    /// A key broadcast with fewer advertisements than the round's minimum survivors cannot end in a result;
    /// the client refuses it (which also bounds the advertisement sets a server can try, issue 15).
    @Test func fewerAdvertisementsThanMinimumSurvivorsAreRefused() throws {
        var h = try Self.harness()
        let config = h.fixture.configuration
        var rng = ChaChaRandom.seeded(4)
        var client = try SecAggClient(
            configuration: config, id: 1, identity: h.fixture.identities[1]!, minimumSurvivors: 8, using: &rng)
        let own = try client.advertiseKeys()
        try h.advertise(skip: [1])
        let others = try #require(h.keyBroadcasts[2]).advertisements.filter { $0.sender <= 7 }
        let kept = ([own] + others).sorted { $0.sender < $1.sender }
        let small = KeyBroadcast(
            round: config.round, receiver: 1, advertisements: kept,
            sessionID: SessionID.compute(configuration: config, advertisements: kept))
        #expect(
            secureAggError { _ = try client.shareKeys(small, using: &rng) }
                == .tooFewClients(phase: .advertiseKeys, available: 7, required: 8))
    }

    @Test func missingOwnAdvertisementRepeatedOrUnknownSendersAreRefused() throws {
        var h = try Self.harness()
        try h.advertise()
        let config = h.fixture.configuration
        let ads = h.keyBroadcasts[1]!.advertisements
        func broadcast(_ list: [AdvertiseKeys], to receiver: UInt32 = 1) -> KeyBroadcast {
            KeyBroadcast(
                round: config.round, receiver: receiver, advertisements: list,
                sessionID: SessionID.compute(configuration: config, advertisements: list))
        }
        var rng = ChaChaRandom.seeded(4)
        var c1 = h.clients[1]!
        #expect(
            secureAggError { _ = try c1.shareKeys(broadcast(Array(ads.dropFirst())), using: &rng) }
                == .ownAdvertisementMissing)
        var c2 = h.clients[2]!
        var dup = ads
        dup.insert(ads[4], at: 4)
        #expect(secureAggError { _ = try c2.shareKeys(broadcast(dup, to: 2), using: &rng) } == .duplicateClient(5))
        var c3 = h.clients[3]!
        var invented = ads
        invented[9].sender = 999
        #expect(secureAggError { _ = try c3.shareKeys(broadcast(invented, to: 3), using: &rng) } == .unknownClient(999))
        var c4 = h.clients[4]!
        var wrongRound = h.keyBroadcasts[4]!
        wrongRound.round += 1
        #expect(secureAggError { _ = try c4.shareKeys(wrongRound, using: &rng) } == .wrongRound(expected: 7, actual: 8))
        var c5 = h.clients[5]!
        #expect(secureAggError { _ = try c5.shareKeys(h.keyBroadcasts[6]!, using: &rng) } == .wrongReceiver(6))
        var c6 = h.clients[6]!
        var future = h.keyBroadcasts[6]!
        future.version = 2
        #expect(secureAggError { _ = try c6.shareKeys(future, using: &rng) } == .unsupportedVersion(2))
    }

    // MARK: Phase 2 (shares)

    @Test func tamperedCiphertextIsRefused() throws {
        var h = try Self.harness()
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        var b = h.shareBroadcasts[1]!
        let sender = b.shares[0].sender
        b.shares[0].ciphertext[30] ^= 1
        Self.expectRefusal(&h, 1, .shareDecryptionFailed(sender: sender)) {
            _ = try $0.maskedInput(inputs[1]!, shares: b)
        }
    }

    @Test func shareSentToTheWrongReceiverIsRefused() throws {
        var h = try Self.harness()
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        let me: UInt32 = 1
        var b = h.shareBroadcasts[me]!
        // A share addressed to someone else, forwarded as is …
        let foreign = h.shareBroadcasts.first { $0.key != me && $0.value.shares.contains { $0.sender != me } }!.value
        let stolen = foreign.shares.first { $0.sender != me }!
        var asIs = b
        asIs.shares[0] = stolen
        var c1 = h.clients[me]!
        #expect(secureAggError { _ = try c1.maskedInput(inputs[me]!, shares: asIs) } == .wrongReceiver(stolen.receiver))
        // … or relabelled as addressed to me: authentication fails (AD and key differ).
        var relabelled = stolen
        relabelled.receiver = me
        if h.clients[me]!.neighbours.contains(relabelled.sender) {
            b.shares.removeAll { $0.sender == relabelled.sender }
            b.shares.append(relabelled)
            Self.expectRefusal(&h, me, .shareDecryptionFailed(sender: relabelled.sender)) {
                _ = try $0.maskedInput(inputs[me]!, shares: b)
            }
        }
    }

    @Test func shareReplayedFromAnotherRoundIsRefused() throws {
        let fixture = try Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8)
        var h = try Harness(fixture)
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        // The same cohort and keys' owners in another round (round 8).
        let other = try Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8, round: 8)
        var old = try Harness(other, seed: 11)
        try old.advertise()
        try old.shareKeys()
        var b = h.shareBroadcasts[1]!
        let replay = old.shareBroadcasts[1]!.shares.first { s in b.shares.contains { $0.sender == s.sender } }!
        b.shares.removeAll { $0.sender == replay.sender }
        b.shares.append(replay)
        Self.expectRefusal(&h, 1, .shareDecryptionFailed(sender: replay.sender)) {
            _ = try $0.maskedInput(inputs[1]!, shares: b)
        }
        // A whole message from the other round is refused by its header.
        var c2 = h.clients[2]!
        #expect(
            secureAggError { _ = try c2.maskedInput(inputs[2]!, shares: old.shareBroadcasts[2]!) }
                == .wrongRound(expected: 7, actual: 8))
    }

    @Test func fewerThanThresholdSharesAndNonNeighbourSendersAreRefused() throws {
        var h = try Self.harness()
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        var few = h.shareBroadcasts[1]!
        few.shares = Array(few.shares.prefix(3))
        Self.expectRefusal(&h, 1, .tooFewClients(phase: .shareKeys, available: 3, required: 4)) {
            _ = try $0.maskedInput(inputs[1]!, shares: few)
        }
        var dup = h.shareBroadcasts[2]!
        dup.shares.append(dup.shares[0])
        Self.expectRefusal(&h, 2, .duplicateClient(dup.shares[0].sender)) {
            _ = try $0.maskedInput(inputs[2]!, shares: dup)
        }
        let me: UInt32 = 3
        let stranger = h.cohort.first { $0 != me && !h.clients[me]!.neighbours.contains($0) }!
        var fake = h.shareBroadcasts[me]!
        fake.shares.append(EncryptedShare(sender: stranger, receiver: me, ciphertext: fake.shares[0].ciphertext))
        Self.expectRefusal(&h, me, .notNeighbour(stranger)) { _ = try $0.maskedInput(inputs[me]!, shares: fake) }
    }

    @Test func badInputIsALocalErrorThatKeepsTheState() throws {
        var h = try Self.harness()
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        var client = h.clients[1]!
        #expect(
            secureAggError { _ = try client.maskedInput([1, 2], shares: h.shareBroadcasts[1]!) }
                == .wrongVectorLength(expected: 8, actual: 2))
        #expect(
            secureAggError {
                _ = try client.maskedInput([UInt32](repeating: 1 << 16, count: 8), shares: h.shareBroadcasts[1]!)
            }
                == .inputOutOfRange(index: 0))
        #expect(client.abortReason == nil)
        _ = try client.maskedInput(inputs[1]!, shares: h.shareBroadcasts[1]!)
    }

    static func write(_ input: [UInt32], _ range: Range<Int>, to writer: MaskedInputWriter) throws(SecureAggError) {
        try input.withUnsafeBufferPointer { (all) throws(SecureAggError) in
            try writer.write(UnsafeBufferPointer(rebasing: all[range]), at: range.lowerBound)
        }
    }

    @Test func streamedInputEqualsTheArrayFormAndItsFailuresAreLocal() throws {
        var h = try Self.harness()
        let inputs = h.inputs
        try h.advertise()
        try h.shareKeys()
        let input = try #require(inputs[1])
        let shares = try #require(h.shareBroadcasts[1])
        var streaming = try #require(h.clients[1])
        let reference = streaming  // same keys and state: the array form must give the same bytes
        // An input closure that throws, one that writes too little, and one that writes past the end: each is
        // a local error, the state stays R2 and nothing is aborted.
        #expect(secureAggError {
            _ = try streaming.maskedInput(shares: shares) { (_: MaskedInputWriter) throws(SecureAggError) in
                throw .aborted(reason: "reader")
            }
        } == .aborted(reason: "reader"))
        #expect(secureAggError {
            _ = try streaming.maskedInput(shares: shares) { (writer: MaskedInputWriter) throws(SecureAggError) in
                try Self.write(input, 0..<3, to: writer)
            }
        } == .wrongVectorLength(expected: input.count, actual: 3))
        #expect(streaming.abortReason == nil && streaming.stateName == "R2MaskedInput")
        // Written in slices of 3, after a restart (as a rejected conditional rounding does).
        let streamed = try streaming.maskedInput(shares: shares) {
            (writer: MaskedInputWriter) throws(SecureAggError) in
            try Self.write(input, 0..<4, to: writer)
            var offset = 0
            while offset < input.count {
                let end = min(offset + 3, input.count)
                try Self.write(input, offset..<end, to: writer)
                offset = end
            }
        }
        var arrayClient = reference
        #expect(streamed == (try arrayClient.maskedInput(input, shares: shares)))
        #expect(streaming.stateName == "R3ConsistencyCheck")
    }

    // MARK: Phase 3 (consistency)

    @Test func consistencyRequestOmittingTheClientOrTooShortIsRefused() throws {
        var h = try Self.harness()
        try h.advertise()
        try h.shareKeys()
        try h.maskInputs()
        var r = h.consistencyRequests[1]!
        r.survivors.removeAll { $0 == 1 }
        Self.expectRefusal(&h, 1, .requestNamesSelf) { _ = try $0.consistencyCheck(r) }
        var short = h.consistencyRequests[2]!
        short.survivors = [2, 3, 4]
        // n = 10: the consistency quorum ⌊10/2⌋ + 1 = 6 exceeds t = 4, so a list needs 6 ids.
        Self.expectRefusal(&h, 2, .tooFewClients(phase: .consistencyCheck, available: 3, required: 6)) {
            _ = try $0.consistencyCheck(short)
        }
    }

    // MARK: Phase 4 (unmasking)

    @Test func requestNamingANeighbourInBothSetsIsRefused() throws {
        var h = try Self.harness()
        try h.runUntilUnmasking()
        var r = h.unmaskingRequests[1]!
        let v = h.clients[1]!.neighbours[0]
        r.dropped.append(v)
        Self.expectRefusal(&h, 1, .clientInBothSets(v)) { _ = try $0.unmask(r) }
    }

    @Test func requestNamingTheClientItselfIsRefused() throws {
        var h = try Self.harness()
        try h.runUntilUnmasking()
        var r = h.unmaskingRequests[1]!
        r.dropped.append(1)
        Self.expectRefusal(&h, 1, .requestNamesSelf) { _ = try $0.unmask(r) }
    }

    @Test func theFirstBadEntryOfTheDroppedListDecides() throws {
        var h = try Self.harness()
        try h.runUntilUnmasking()
        // An unknown id before the client's own: refused as unknown; its own first: refused as naming itself.
        var r = h.unmaskingRequests[1]!
        r.dropped += [99, 1]
        Self.expectRefusal(&h, 1, .unknownClient(99)) { _ = try $0.unmask(r) }
        r = h.unmaskingRequests[2]!
        r.dropped += [2, 99]
        Self.expectRefusal(&h, 2, .requestNamesSelf) { _ = try $0.unmask(r) }
        r = h.unmaskingRequests[3]!
        r.dropped += [3, 3]
        Self.expectRefusal(&h, 3, .requestNamesSelf) { _ = try $0.unmask(r) }
    }

    @Test func requestRepeatingOrInventingIDsIsRefused() throws {
        let fixture = try Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.advertise()
        try h.shareKeys()
        try h.maskInputs(skip: [9])
        try h.checkConsistency()
        var repeated = h.unmaskingRequests[1]!
        repeated.dropped = [9, 9]
        Self.expectRefusal(&h, 1, .duplicateClient(9)) { _ = try $0.unmask(repeated) }
        var invented = h.unmaskingRequests[2]!
        invented.dropped.append(4242)
        Self.expectRefusal(&h, 2, .unknownClient(4242)) { _ = try $0.unmask(invented) }
        // A neighbour in neither list is refused too (the server must account for everyone who shared keys).
        let me = h.clients[9]!.neighbours.first { $0 != 1 && $0 != 2 }!
        var silent = h.unmaskingRequests[me]!
        silent.dropped = []
        Self.expectRefusal(&h, me, .neighbourUnaccounted(9)) { _ = try $0.unmask(silent) }
    }

    @Test func requestWithAnAlteredSurvivorListIsRefused() throws {
        var h = try Self.harness()
        try h.runUntilUnmasking()
        // The server claims survivor 5 dropped, to get its s_sk shares while others reveal its b-shares.
        var r = h.unmaskingRequests[1]!
        r.survivors.removeAll { $0 == 5 }
        r.dropped.append(5)
        Self.expectRefusal(&h, 1, .survivorListChanged) { _ = try $0.unmask(r) }
    }

    @Test func fewerThanThresholdConsistencySignaturesAreRefused() throws {
        var h = try Self.harness()
        try h.runUntilUnmasking()
        // The quorum for n = 10 is 6 signatures (more than t = 4): 5 valid ones are refused.
        var few = h.unmaskingRequests[1]!
        few.signatures = Array(few.signatures.prefix(5))
        Self.expectRefusal(&h, 1, .tooFewSignatures(valid: 5, required: 6)) { _ = try $0.unmask(few) }
        // Repeating one signer or forging signatures does not count.
        var repeated = h.unmaskingRequests[2]!
        repeated.signatures = [SurvivorSignature](repeating: repeated.signatures[0], count: 8)
        Self.expectRefusal(&h, 2, .tooFewSignatures(valid: 1, required: 6)) { _ = try $0.unmask(repeated) }
        var forged = h.unmaskingRequests[3]!
        for i in forged.signatures.indices { forged.signatures[i].signature[1] ^= 0x40 }
        Self.expectRefusal(&h, 3, .tooFewSignatures(valid: 0, required: 6)) { _ = try $0.unmask(forged) }
    }

    @Test func callsInTheWrongStateThrowWithoutChangingState() throws {
        var h = try Self.harness()
        var client = h.clients[1]!
        let error = secureAggError {
            _ = try client.unmask(UnmaskingRequest(round: 7, receiver: 1, survivors: [], dropped: [], signatures: []))
        }
        #expect(error == .wrongState(expected: "R4Unmasking", actual: "R0AdvertiseKeys"))
        #expect(client.stateName == "R0AdvertiseKeys")
        _ = try client.advertiseKeys()
        h.clients[1] = client
    }
}
