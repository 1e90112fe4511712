import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `ClientMessage` envelope, as the server reads it from a joined client. Its body goes
/// through the conversion the server applies in that phase (AdvertiseKeys, ShareKeys, a masked-input chunk into
/// a `MaskedInputAssembly` for m = 37, b = 13, ConsistencyCheck, UnmaskingResponse). What is accepted satisfies
/// the limits, and its re-encoding decodes to an equal value with the same canonical bytes.
let maxClients = 16

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let envelope = try? Secagg_V1_ClientMessage(serializedBytes: bytes), let body = envelope.body else {
        return 0
    }
    switch body {
    case .hello, .authenticate:
        return 0  // checked field by field in the session coordinator (lengths, versions, signature)
    case .advertiseKeys(let m):
        guard let ad = try? AdvertiseKeys(proto: m) else { return 0 }
        fuzzCheck(ad.selfSeedCommitment.count == 32 && ad.signature.count == 64, "advertisement lengths")
        roundTrip(ad, ad.proto) { try AdvertiseKeys(proto: $0) }
    case .shareKeys(let m):
        guard let shares = try? ShareKeys(proto: m, maxClients: maxClients) else { return 0 }
        fuzzCheck(shares.shares.count <= maxClients, "share count")
        fuzzCheck(shares.shares.allSatisfy { $0.ciphertext.count <= EncryptedShare.maxCiphertextBytes }, "share size")
        roundTrip(shares, shares.proto) { try ShareKeys(proto: $0, maxClients: maxClients) }
    case .maskedInput(let chunk):
        var assembly = MaskedInputAssembly(round: chunk.round, sender: chunk.sender, vectorLength: 37, bits: 13)
        guard let input = try? assembly.add(chunk) else { return 0 }
        fuzzCheck(input.packed.count == BitPacking.encodedByteCount(count: 37, bits: 13), "masked vector size")
    case .consistencyCheck(let m):
        guard let check = try? ConsistencyCheck(proto: m) else { return 0 }
        fuzzCheck(check.signature.count == 64, "signature length")
        roundTrip(check, check.proto) { try ConsistencyCheck(proto: $0) }
    case .unmaskingResponse(let m):
        guard let response = try? UnmaskingResponse(proto: m, maxClients: maxClients) else { return 0 }
        fuzzCheck(response.shares.count <= maxClients, "revealed share count")
        roundTrip(response, response.proto) { try UnmaskingResponse(proto: $0, maxClients: maxClients) }
    }
    return 0
}

/// `decode(proto)` must accept the re-encoding of an accepted value and give it back, with the same bytes.
func roundTrip<Value: Equatable, Proto: SwiftProtobuf.Message>(
    _ value: Value, _ proto: Proto, _ decode: (Proto) throws -> Value
) {
    do {
        let again = try decode(proto)
        fuzzCheck(again == value, "\(Value.self) round trip")
        let a: [UInt8]? = try? proto.serializedBytes()
        let b: [UInt8]? = try? Proto(serializedBytes: a ?? [])
            .serializedBytes()
        fuzzCheck(a != nil && a == b, "\(Proto.self) canonical encoding")
    } catch {
        fuzzCheck(false, "re-encoding of an accepted \(Value.self) refused: \(error)")
    }
}

@_cdecl("FuzzClientMessage_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
