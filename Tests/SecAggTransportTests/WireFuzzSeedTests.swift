import Foundation
import SecureAgg
import Testing

@testable import SecAggTransport

/// The seed corpus of the wire fuzz targets (Fuzz/Corpus/Fuzz*, written by Fuzz/Corpus/make_seeds.py with a
/// hand-written protobuf encoder) must be what the decoders accept: a seed that is refused would start libFuzzer
/// outside the interesting part of the input space.
@Suite struct WireFuzzSeedTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func seeds(_ target: String) throws -> [(String, Data)] {
        let dir = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            ($0, try Data(contentsOf: dir.appendingPathComponent($0)))
        }
    }

    @Test func serverMessageSeedsDecode() throws {
        var count = 0
        for (name, data) in try Self.seeds("FuzzRoundStart") {
            let round = try AnnouncedRound(proto: Secagg_V1_RoundStart(serializedBytes: data), maxClients: 64)
            #expect(round.cohort.count >= 2, "\(name)")
            count += 1
        }
        for (_, data) in try Self.seeds("FuzzKeyBroadcast") {
            _ = try KeyBroadcast(proto: Secagg_V1_KeyBroadcastMessage(serializedBytes: data), maxClients: 16)
            count += 1
        }
        for (_, data) in try Self.seeds("FuzzShareBroadcast") {
            _ = try ShareBroadcast(proto: Secagg_V1_ShareBroadcastMessage(serializedBytes: data), maxClients: 16)
            count += 1
        }
        for (_, data) in try Self.seeds("FuzzConsistencyRequest") {
            _ = try ConsistencyRequest(proto: Secagg_V1_ConsistencyRequestMessage(serializedBytes: data), maxClients: 16)
            count += 1
        }
        for (_, data) in try Self.seeds("FuzzUnmaskingRequest") {
            _ = try UnmaskingRequest(proto: Secagg_V1_UnmaskingRequestMessage(serializedBytes: data), maxClients: 16)
            count += 1
        }
        #expect(count == 8)
    }

    @Test func maskedInputSeedsAssemble() throws {
        let seeds = try Self.seeds("FuzzMaskedInputChunks")
        #expect(seeds.count == 3)
        for (name, data) in seeds {
            let bytes = [UInt8](data)
            let bits = Int(bytes[0] % 32) + 1
            let m = Int(bytes[1]) | Int(bytes[2]) << 8 + 1
            let length = Int(bytes[3]) | Int(bytes[4]) << 8
            #expect(bytes.count == 5 + length, "\(name): one chunk")
            var assembly = MaskedInputAssembly(round: 1, sender: 1, vectorLength: m, bits: bits)
            let chunk = try Secagg_V1_MaskedInputChunk(serializedBytes: Data(bytes[5...]))
            let input = try #require(try assembly.add(chunk), "\(name)")
            #expect(try BitPacking.validate(input.packed) == (bits: bits, count: m), "\(name)")
        }
    }

    @Test func clientMessageSeedsDecode() throws {
        var bodies: [String] = []
        for (name, data) in try Self.seeds("FuzzClientMessage") {
            let envelope = try Secagg_V1_ClientMessage(serializedBytes: data)
            #expect(envelope.protocolVersion == WireProtocol.version, "\(name)")
            switch try #require(envelope.body, "\(name)") {
            case .hello(let h): #expect(h.clientNonce.count == 32)
            case .authenticate: Issue.record("no Authenticate seed expected")
            case .advertiseKeys(let m): _ = try AdvertiseKeys(proto: m)
            case .shareKeys(let m): _ = try ShareKeys(proto: m, maxClients: 16)
            case .maskedInput(let chunk):
                var assembly = MaskedInputAssembly(round: chunk.round, sender: chunk.sender, vectorLength: 37, bits: 13)
                #expect(try assembly.add(chunk) != nil)
            case .consistencyCheck(let m): _ = try ConsistencyCheck(proto: m)
            case .unmaskingResponse(let m): _ = try UnmaskingResponse(proto: m, maxClients: 16)
            }
            bodies.append(name)
        }
        #expect(bodies.count == 6)
    }
}
