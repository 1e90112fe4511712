import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `ConsistencyRequestMessage` (server → client, phase 3). Accepted survivor lists are
/// non-zero, strictly increasing and at most `maxClients` long, and round-trip.
let maxClients = 16
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let message = try? Secagg_V1_ConsistencyRequestMessage(serializedBytes: bytes) else { return 0 }
    guard let request = try? ConsistencyRequest(proto: message, maxClients: maxClients) else { return 0 }
    let s = request.survivors
    fuzzCheck(s.count <= maxClients && (s.first ?? 1) >= 1, "survivor count and ids")
    fuzzCheck(zip(s, s.dropFirst()).allSatisfy { $0 < $1 }, "survivors strictly increasing")
    let again: ConsistencyRequest
    do { again = try ConsistencyRequest(proto: request.proto, maxClients: maxClients) } catch {
        fuzzCheck(false, "re-encoding refused: \(error)")
        return 0
    }
    fuzzCheck(again == request, "ConsistencyRequest round trip")
    fuzzCheck(canonical(again.proto) == canonical(request.proto), "canonical encoding")
    return 0
}

/// The canonical protobuf encoding (nil only if SwiftProtobuf cannot encode, which is itself a finding).
func canonical(_ message: some SwiftProtobuf.Message) -> [UInt8]? { try? message.serializedBytes() }

@_cdecl("FuzzConsistencyRequest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
