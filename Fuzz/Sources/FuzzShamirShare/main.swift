import FuzzSupport
import SecureAgg

/// Input: one serialized Shamir share. A share that parses must serialize back to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    let share: ShamirShare? = bytes.withUnsafeBytes { try? ShamirShare(serialized: $0) }
    guard let share else { return 0 }
    let again = share.serialized().withUnsafeBytes { Array($0) }
    fuzzCheck(again == bytes, "serialized/parse round trip")
    return 0
}

@_cdecl("FuzzShamirShare_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
