import FuzzSupport
import SecureAgg
import SwiftProtobuf

@testable import SecAggTransport

/// Input: byte 0 = b − 1 (mod 32), bytes 1–2 = m − 1 (u16 LE): the round the server expects; then records of
/// `length (u16 LE) ‖ serialized MaskedInputChunk`, fed in order to one `MaskedInputAssembly` (round 1, sender 1)
/// until it refuses one or completes. The buffer never exceeds the expected size; a completed vector has exactly
/// the expected bytes and survives split → reassemble unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard bytes.count >= 3 else { return 0 }
    let bits = Int(bytes[0] % 32) + 1
    let m = Int(bytes[1]) | Int(bytes[2]) << 8 + 1
    var assembly = MaskedInputAssembly(round: 1, sender: 1, vectorLength: m, bits: bits)
    let expected = BitPacking.encodedByteCount(count: m, bits: bits)
    fuzzCheck(assembly.expectedBytes == expected, "expected size")
    var offset = 3
    while offset + 2 <= bytes.count {
        let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
        offset += 2
        let record = Array(bytes[offset..<min(bytes.count, offset + length)])
        offset += length
        guard let chunk = try? Secagg_V1_MaskedInputChunk(serializedBytes: record) else { return 0 }
        let input: MaskedInput?
        do { input = try assembly.add(chunk) } catch { return 0 }
        fuzzCheck(assembly.buffer.count <= expected, "buffer within the expected size")
        guard let input else { continue }
        fuzzCheck(assembly.isComplete && input.packed.count == expected, "complete vector size")
        fuzzCheck(input.round == 1 && input.sender == 1, "round and sender")
        var again = MaskedInputAssembly(round: 1, sender: 1, vectorLength: m, bits: bits)
        var rebuilt: MaskedInput?
        for piece in MaskedInputChunks.split(input) {
            do { rebuilt = try again.add(piece) } catch {
                fuzzCheck(false, "split → reassemble refused: \(error)")
                return 0
            }
        }
        fuzzCheck(rebuilt?.packed == input.packed, "split → reassemble round trip")
        return 0
    }
    return 0
}

@_cdecl("FuzzMaskedInputChunks_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
