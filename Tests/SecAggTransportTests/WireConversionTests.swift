import DPNoise
import FedCore
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import SecAggTransport

/// Proto ↔ SecureAgg conversions and the masked-vector reassembly refuse bad input before it is used.
@Suite struct WireConversionTests {
    private func maskedInput(count: Int, bits: Int) -> MaskedInput {
        let values = (0..<count).map { UInt32($0 % (1 << min(bits, 16))) }
        return MaskedInput(round: 7, sender: 3, packed: BitPacking.pack(values, bits: bits))
    }

    @Test func maskedVectorRoundTripsThroughChunks() throws {
        let input = maskedInput(count: 700_000, bits: 20)  // 1.75 MB → 2 chunks
        let chunks = MaskedInputChunks.split(input)
        #expect(chunks.count == 2)
        var assembly = MaskedInputAssembly(round: 7, sender: 3, vectorLength: 700_000, bits: 20)
        #expect(try assembly.add(chunks[0]) == nil)
        #expect(try assembly.add(chunks[1]) == input)
    }

    @Test func oversizedMaskedVectorIsRefusedAtItsFirstChunk() throws {
        var input = maskedInput(count: 1000, bits: 16)
        input.packed.append(contentsOf: [UInt8](repeating: 0, count: 10))
        var assembly = MaskedInputAssembly(round: 7, sender: 3, vectorLength: 1000, bits: 16)
        #expect(throws: TransportError.self) { try assembly.add(MaskedInputChunks.split(input)[0]) }
    }

    @Test(arguments: ["round", "sender", "index", "version"])
    func misaddressedOrOutOfOrderChunkIsRefused(_ field: String) throws {
        var chunk = try #require(MaskedInputChunks.split(maskedInput(count: 1000, bits: 16)).first)
        switch field {
        case "round": chunk.round = 8
        case "sender": chunk.sender = 4
        case "index": chunk.chunkIndex = 1
        default: chunk.version = 2
        }
        var assembly = MaskedInputAssembly(round: 7, sender: 3, vectorLength: 1000, bits: 16)
        #expect(throws: TransportError.self) { try assembly.add(chunk) }
    }

    @Test func advertisementWithShortKeyOrUnknownVersionIsRefused() throws {
        var m = Secagg_V1_AdvertiseKeysMessage()
        m.version = 2
        m.encryptionKey = Data(repeating: 9, count: 32)
        m.maskingKey = Data(repeating: 9, count: 31)
        m.selfSeedCommitment = Data(repeating: 0, count: 32)
        m.signature = Data(repeating: 0, count: 64)
        #expect(throws: TransportError.self) { try AdvertiseKeys(proto: m) }
        m.maskingKey = Data(repeating: 9, count: 32)
        #expect(throws: Never.self) { try AdvertiseKeys(proto: m) }
        // Version 1 (wire versions 1–3: signed over the whole round context) and any other are refused.
        for old: UInt32 in [1, 3] {
            m.version = old
            #expect(throws: TransportError.unsupportedMessageVersion(what: "AdvertiseKeys", version: old)) {
                try AdvertiseKeys(proto: m)
            }
        }
    }

    @Test func consistencyCheckOfVersion1IsRefused() throws {
        var m = Secagg_V1_ConsistencyCheckMessage()
        m.version = 2
        m.round = 1
        m.sender = 2
        m.signature = Data(repeating: 5, count: 64)
        #expect(throws: Never.self) { try ConsistencyCheck(proto: m) }
        m.version = 1
        #expect(throws: TransportError.unsupportedMessageVersion(what: "ConsistencyCheck", version: 1)) {
            try ConsistencyCheck(proto: m)
        }
    }

    @Test func roundStartRoundTripsAndRejectsInconsistentEncoding() throws {
        let encoding = EncodingParameters(
            dimension: 100, blockSize: 64, l2Clip: 1, scale: 1000, bits: 20,
            roundSeed: [UInt8](repeating: 5, count: 32),
            noise: .discreteGaussian(varianceNumerator: 9, varianceDenominator: 4))
        let announced = AnnouncedRound(
            round: 3, totalRounds: 5, cohort: [1, 2, 4], degree: 2, threshold: 2, bits: 20,
            vectorLength: encoding.paddedDimension, registryHash: [UInt8](repeating: 1, count: 32),
            layoutHash: String(repeating: "a", count: 64), encoding: encoding, minSurvivors: 2, phaseTimeoutMillis: 500)
        #expect(try AnnouncedRound(proto: announced.proto, maxClients: 10) == announced)
        var bad = announced.proto
        bad.vectorLength += 1
        #expect(throws: TransportError.self) { try AnnouncedRound(proto: bad, maxClients: 10) }
        bad = announced.proto
        bad.cohort = [2, 1, 4]
        #expect(throws: TransportError.self) { try AnnouncedRound(proto: bad, maxClients: 10) }
        #expect(throws: TransportError.self) { try AnnouncedRound(proto: announced.proto, maxClients: 2) }

        // Weighted: the vector carries the count limbs after the encoding; any other length is refused.
        let limbs = try ExampleCountLimbs(clients: 3, bits: 20, maxWeight: 1000)
        var weighted = announced
        weighted.weights = limbs
        weighted.vectorLength = encoding.paddedDimension + limbs.limbCount
        #expect(try AnnouncedRound(proto: weighted.proto, maxClients: 10) == weighted)
        bad = weighted.proto
        bad.vectorLength = UInt64(encoding.paddedDimension)
        #expect(throws: TransportError.self) { try AnnouncedRound(proto: bad, maxClients: 10) }
        bad = announced.proto
        bad.maxWeight = 1000  // weighted, but no room for the limbs
        #expect(throws: TransportError.self) { try AnnouncedRound(proto: bad, maxClients: 10) }
    }

    @Test func clientAndServerAuthenticationTranscriptsDiffer() {
        let hash = [UInt8](repeating: 1, count: 32)
        let a = [UInt8](repeating: 2, count: 32)
        let b = [UInt8](repeating: 3, count: 32)
        let server = SessionAuthentication.serverTranscript(
            registryHash: hash, client: 4, clientNonce: a, serverNonce: b, channel: .plaintext)
        let client = SessionAuthentication.clientTranscript(
            registryHash: hash, client: 4, clientNonce: a, serverNonce: b, channel: .plaintext)
        #expect(server != client)
        let key = Ed25519.SecretKey.generate()
        #expect(!key.publicKey.isValidSignature(key.sign(server), for: client))
        let other = SessionAuthentication.clientTranscript(
            registryHash: hash, client: 5, clientNonce: a, serverNonce: b, channel: .plaintext)
        #expect(other != client)
    }
}
