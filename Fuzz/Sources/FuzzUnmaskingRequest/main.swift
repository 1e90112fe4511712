import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `UnmaskingRequestMessage` (server → client, phase 4). Accepted requests have sorted,
/// bounded survivor and dropped lists and 64-byte signatures, and round-trip.
let maxClients = 16
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let message = try? Secagg_V1_UnmaskingRequestMessage(serializedBytes: bytes) else { return 0 }
    guard let request = try? UnmaskingRequest(proto: message, maxClients: maxClients) else { return 0 }
    for ids in [request.survivors, request.dropped] {
        fuzzCheck(ids.count <= maxClients && (ids.first ?? 1) >= 1, "id count and ids")
        fuzzCheck(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids strictly increasing")
    }
    fuzzCheck(request.signatures.count <= maxClients, "signature count")
    fuzzCheck(request.signatures.allSatisfy { $0.signature.count == 64 }, "signature length")
    let again: UnmaskingRequest
    do { again = try UnmaskingRequest(proto: request.proto, maxClients: maxClients) } catch {
        fuzzCheck(false, "re-encoding refused: \(error)")
        return 0
    }
    fuzzCheck(again == request, "UnmaskingRequest round trip")
    fuzzCheck(canonical(again.proto) == canonical(request.proto), "canonical encoding")
    return 0
}

/// The canonical protobuf encoding (nil only if SwiftProtobuf cannot encode, which is itself a finding).
func canonical(_ message: some SwiftProtobuf.Message) -> [UInt8]? { try? message.serializedBytes() }

@_cdecl("FuzzUnmaskingRequest_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
