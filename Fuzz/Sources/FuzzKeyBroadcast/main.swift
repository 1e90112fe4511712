import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `KeyBroadcastMessage` (server → client, phase 0). Accepted broadcasts list at most
/// `maxClients` advertisements with exact key, commitment, signature and session-id lengths, and round-trip.
let maxClients = 16
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let message = try? Secagg_V1_KeyBroadcastMessage(serializedBytes: bytes) else { return 0 }
    guard let broadcast = try? KeyBroadcast(proto: message, maxClients: maxClients) else { return 0 }
    fuzzCheck(broadcast.advertisements.count <= maxClients, "advertisement count")
    fuzzCheck(broadcast.sessionID.count == 32, "session id length")
    for ad in broadcast.advertisements {
        fuzzCheck(ad.encryptionKey.bytes.count == 32 && ad.maskingKey.bytes.count == 32, "key lengths")
        fuzzCheck(ad.selfSeedCommitment.count == 32 && ad.signature.count == 64, "commitment and signature")
    }
    let again: KeyBroadcast
    do { again = try KeyBroadcast(proto: broadcast.proto, maxClients: maxClients) } catch {
        fuzzCheck(false, "re-encoding refused: \(error)")
        return 0
    }
    fuzzCheck(again == broadcast, "KeyBroadcast round trip")
    fuzzCheck(canonical(again.proto) == canonical(broadcast.proto), "canonical encoding")
    return 0
}

/// The canonical protobuf encoding (nil only if SwiftProtobuf cannot encode, which is itself a finding).
func canonical(_ message: some SwiftProtobuf.Message) -> [UInt8]? { try? message.serializedBytes() }

@_cdecl("FuzzKeyBroadcast_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
