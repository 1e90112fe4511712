import FuzzSupport
import SecureAgg

/// Input: a packed vector (header + payload). What unpacks must re-pack to the identical bytes, and the
/// streaming accumulate must agree with unpack.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let packed = fuzzInput(start, count)
    guard let values = try? BitPacking.unpack(packed) else { return 0 }
    let bits = Int(packed[1])
    fuzzCheck(BitPacking.pack(values, bits: bits) == packed, "unpack/pack round trip")
    var sum = [UInt32](repeating: 1, count: values.count)
    let accumulated: Void? = sum.withUnsafeMutableBufferPointer { try? BitPacking.accumulate(packed, into: $0) }
    fuzzCheck(accumulated != nil, "accumulate refused what unpack accepted")
    fuzzCheck(zip(sum, values).allSatisfy { $0 == $1 &+ 1 }, "accumulate disagrees with unpack")
    return 0
}

@_cdecl("FuzzBitPacking_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
