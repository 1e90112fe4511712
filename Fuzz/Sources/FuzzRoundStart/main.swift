import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: a serialized `RoundStart` (what a client receives first in a round). What
/// `AnnouncedRound(proto:maxClients:)` accepts must satisfy its documented bounds, and its re-encoding must decode
/// again to a value with the identical canonical encoding.
let maxClients = 64
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let message = try? Secagg_V1_RoundStart(serializedBytes: bytes) else { return 0 }
    guard let round = try? AnnouncedRound(proto: message, maxClients: maxClients) else { return 0 }
    fuzzCheck(round.cohort.count >= 2 && round.cohort.count <= maxClients, "cohort size")
    fuzzCheck(zip(round.cohort, round.cohort.dropFirst()).allSatisfy { $0 < $1 } && round.cohort[0] >= 1, "cohort ids")
    fuzzCheck(round.threshold >= 1 && round.threshold <= round.degree && round.degree < round.cohort.count, "t ≤ k < n")
    fuzzCheck((1...32).contains(round.bits) && round.encoding.bits == round.bits, "bits")
    fuzzCheck(round.minSurvivors >= 1 && round.minSurvivors <= round.cohort.count, "min survivors")
    fuzzCheck(round.registryHash.count == 32, "registry hash")
    fuzzCheck(
        round.encoding.paddedDimension + (round.weights?.limbCount ?? 0) == round.vectorLength, "vector length")
    let again: AnnouncedRound
    do { again = try AnnouncedRound(proto: round.proto, maxClients: maxClients) } catch {
        fuzzCheck(false, "re-encoding refused: \(error)")
        return 0
    }
    fuzzCheck(canonical(again.proto) == canonical(round.proto), "RoundStart round trip")
    return 0
}

/// The canonical protobuf encoding (nil only if SwiftProtobuf cannot encode, which is itself a finding).
func canonical(_ message: some SwiftProtobuf.Message) -> [UInt8]? { try? message.serializedBytes() }

@_cdecl("FuzzRoundStart_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
