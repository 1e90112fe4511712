import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `ShareBroadcastMessage` (server → client, phase 1). Accepted broadcasts hold at most
/// `maxClients` shares, each ciphertext within `EncryptedShare.maxCiphertextBytes`, and round-trip.
let maxClients = 16
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let message = try? Secagg_V1_ShareBroadcastMessage(serializedBytes: bytes) else { return 0 }
    guard let broadcast = try? ShareBroadcast(proto: message, maxClients: maxClients) else { return 0 }
    fuzzCheck(broadcast.shares.count <= maxClients, "share count")
    fuzzCheck(broadcast.shares.allSatisfy { $0.ciphertext.count <= EncryptedShare.maxCiphertextBytes }, "ciphertext size")
    let again: ShareBroadcast
    do { again = try ShareBroadcast(proto: broadcast.proto, maxClients: maxClients) } catch {
        fuzzCheck(false, "re-encoding refused: \(error)")
        return 0
    }
    fuzzCheck(again == broadcast, "ShareBroadcast round trip")
    fuzzCheck(canonical(again.proto) == canonical(broadcast.proto), "canonical encoding")
    return 0
}

/// The canonical protobuf encoding (nil only if SwiftProtobuf cannot encode, which is itself a finding).
func canonical(_ message: some SwiftProtobuf.Message) -> [UInt8]? { try? message.serializedBytes() }

@_cdecl("FuzzShareBroadcast_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
