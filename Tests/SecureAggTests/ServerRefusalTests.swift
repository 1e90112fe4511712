import Sodium
import Testing

@testable import SecureAgg

/// The server rejects misbehaving clients' messages, drops them, and still completes with ≥ t clients.
@Suite struct ServerRefusalTests {
    @Test func maskedVectorOfWrongLengthOrRoundIsRejectedAndTheRoundCompletes() throws {
        // k − t = 4: the round survives the four refused vectors whatever the graph (drawn from the session id).
        let fixture = try Fixture(n: 12, degree: 9, threshold: 5, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.advertise()
        try h.shareKeys()
        var survivors = [UInt32]()
        for id in h.cohort {
            var message = try h.clients[id]!.maskedInput(h.inputs[id]!, shares: h.shareBroadcasts[id]!)
            switch id {
            case 2:
                message.packed = BitPacking.pack([UInt32](repeating: 0, count: 9), bits: 16)
                #expect(
                    try h.server.receiveMaskedInput(message) == .rejected(.wrongVectorLength(expected: 8, actual: 9)))
            case 3:
                message.round = 6
                #expect(try h.server.receiveMaskedInput(message) == .rejected(.wrongRound(expected: 7, actual: 6)))
            case 4:
                message.packed.removeLast()
                #expect(
                    try h.server.receiveMaskedInput(message)
                        == .rejected(.bitPacking(.wrongLength(expected: 22, actual: 21))))
            case 5:
                message.packed = BitPacking.pack(try BitPacking.unpack(message.packed), bits: 17)
                #expect(
                    try h.server.receiveMaskedInput(message)
                        == .rejected(.malformedMessage("packed at 17 bits, expected 16")))
            default:
                #expect(try h.server.receiveMaskedInput(message) == .accepted)
                #expect(try h.server.receiveMaskedInput(message) == .rejected(.duplicateClient(id)))
                survivors.append(id)
            }
        }
        for r in try h.server.finishMaskedInput() { h.consistencyRequests[r.receiver] = r }
        #expect(h.consistencyRequests.keys.sorted() == survivors)
        try h.checkConsistency()
        let result = try h.unmask()
        #expect(result.survivors == survivors)
        #expect(result.dropped == [2, 3, 4, 5])
        #expect(result.sum == fixture.plainSum(h.inputs, over: survivors))
    }

    @Test func shareKeysWithMissingOrExtraReceiversAreRejected() throws {
        let fixture = try Fixture(n: 10, degree: 6, threshold: 4, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.advertise()
        var m1 = try h.clients[1]!.shareKeys(h.keyBroadcasts[1]!, using: &h.rng)
        m1.shares.removeLast()
        #expect(try h.server.receiveShareKeys(m1) == .rejected(.malformedMessage("a neighbour's share is missing")))
        var m2 = try h.clients[2]!.shareKeys(h.keyBroadcasts[2]!, using: &h.rng)
        let stranger = h.cohort.first { $0 != 2 && !h.clients[2]!.neighbours.contains($0) }!
        m2.shares.append(EncryptedShare(sender: 2, receiver: stranger, ciphertext: m2.shares[0].ciphertext))
        #expect(try h.server.receiveShareKeys(m2) == .rejected(.notNeighbour(stranger)))
        var m3 = try h.clients[3]!.shareKeys(h.keyBroadcasts[3]!, using: &h.rng)
        m3.shares[0].sender = 4
        #expect(
            try h.server.receiveShareKeys(m3)
                == .rejected(.malformedMessage("share sender differs from message sender")))
    }

    @Test func badConsistencySignatureAndBadUnmaskingResponseAreRejected() throws {
        // k = 9, t = 5: the three clients whose messages are rejected leave every owner ≥ 5 share holders.
        let fixture = try Fixture(n: 10, degree: 9, threshold: 5, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.advertise()
        try h.shareKeys()
        try h.maskInputs()
        for id in h.cohort {
            var check = try h.clients[id]!.consistencyCheck(h.consistencyRequests[id]!)
            if id == 4 {
                check.signature[0] ^= 1
                #expect(try h.server.receiveConsistencyCheck(check) == .rejected(.invalidSignature(client: 4)))
            } else {
                #expect(try h.server.receiveConsistencyCheck(check) == .accepted)
            }
        }
        for r in try h.server.finishConsistencyCheck() { h.unmaskingRequests[r.receiver] = r }
        #expect(h.unmaskingRequests[4] == nil)
        for id in h.unmaskingRequests.keys.sorted() {
            var response = try h.clients[id]!.unmask(h.unmaskingRequests[id]!)
            if id == 6 {
                response.shares[0].kind = .maskingKey  // asks the server to use an s_sk share of a survivor
                #expect(
                    try h.server.receiveUnmaskingResponse(response)
                        == .rejected(.malformedMessage("wrong share kind for \(response.shares[0].owner)")))
            } else if id == 7 {
                response.shares.removeFirst()
                #expect(
                    try h.server.receiveUnmaskingResponse(response)
                        == .rejected(.malformedMessage("a neighbour's share is missing")))
            } else {
                #expect(try h.server.receiveUnmaskingResponse(response) == .accepted)
            }
        }
        let result = try h.server.finishUnmasking()
        #expect(result.sum == fixture.plainSum(h.inputs, over: h.cohort))
    }

    @Test func tamperedRevealedShareFailsTypedInsteadOfAWrongSum() throws {
        // With exactly t responders for some owner, a tampered share cannot be outvoted: the commitment check
        // turns it into a typed failure.
        let fixture = try Fixture(n: 6, degree: 2, threshold: 2, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.runUntilUnmasking()
        for id in h.unmaskingRequests.keys.sorted() {
            var response = try h.clients[id]!.unmask(h.unmaskingRequests[id]!)
            if id == 1 {
                let original = response.shares[0].share
                var raw = original.serialized().withUnsafeBytes { Array($0) }
                raw[ShamirShare.headerByteCount] ^= 1
                response.shares[0].share = try ShamirShare(serialized: SecureBytes(copying: raw))
            }
            #expect(try h.server.receiveUnmaskingResponse(response) == .accepted)
        }
        let owner = h.clients[1]!.neighbours[0]  // the owner of client 1's first (tampered) share
        let error = secureAggError { _ = try h.server.finishUnmasking() }
        #expect(error == .reconstructionMismatch(client: owner))
    }

    @Test func oneTamperedRevealedShareIsOutvotedWhenMoreThanTArrive() throws {
        let fixture = try Fixture(n: 8, degree: 6, threshold: 4, bits: 16, m: 8)
        var h = try Harness(fixture)
        try h.advertise()
        try h.shareKeys()
        try h.maskInputs(skip: [8])  // one dropped client: its s_sk shares are needed too
        try h.checkConsistency()
        for id in h.unmaskingRequests.keys.sorted() {
            var response = try h.clients[id]!.unmask(h.unmaskingRequests[id]!)
            if id == h.clients[8]!.neighbours[0] {  // one liar: its b-shares and its share of s_sk_8
                for i in response.shares.indices {
                    var raw = response.shares[i].share.serialized().withUnsafeBytes { Array($0) }
                    raw[ShamirShare.headerByteCount + 2] ^= 0x10
                    response.shares[i].share = try ShamirShare(serialized: SecureBytes(copying: raw))
                }
            }
            #expect(try h.server.receiveUnmaskingResponse(response) == .accepted)
        }
        let result = try h.server.finishUnmasking()
        #expect(result.dropped == [8])
        #expect(result.sum == fixture.plainSum(h.inputs, over: Array(1...7)))
    }

    @Test func lowOrderAdvertisedKeyIsRejectedEvenWithAValidSignature() throws {
        let fixture = try Fixture(n: 4, degree: 3, threshold: 2)
        var h = try Harness(fixture)
        var ad = try h.clients[2]!.advertiseKeys()
        ad.maskingKey = try X25519.PublicKey(bytes: [UInt8](repeating: 0, count: 32))
        ad.signature = fixture.identities[2]!.sign(ad.signedBytes(contextDigest: fixture.configuration.contextDigest))
        #expect(try h.server.receiveAdvertisement(ad) == .rejected(.weakPeerKey(2)))
        var ad3 = try h.clients[3]!.advertiseKeys()
        var low = [UInt8](repeating: 0, count: 32)
        low[0] = 1  // u = 1, another low-order point
        ad3.encryptionKey = try X25519.PublicKey(bytes: low)
        ad3.signature = fixture.identities[3]!.sign(ad3.signedBytes(contextDigest: fixture.configuration.contextDigest))
        #expect(try h.server.receiveAdvertisement(ad3) == .rejected(.weakPeerKey(3)))
    }

    @Test func wrongPhaseCallsThrow() throws {
        let fixture = try Fixture(n: 4, degree: 3, threshold: 2)
        var server = SecAggServer(configuration: fixture.configuration)
        let error = secureAggError { _ = try server.finishUnmasking() }
        #expect(error == .wrongState(expected: "R4Unmasking", actual: "R0AdvertiseKeys"))
        #expect(
            secureAggError { _ = try server.finishAdvertising() }
                == .tooFewClients(phase: .advertiseKeys, available: 0, required: 2))
        #expect(server.abortReason == .tooFewClients(phase: .advertiseKeys, available: 0, required: 2))
    }
}
