import FedCore
import Foundation
import FuzzSupport

/// Input: a registry.json. A registry that decodes must re-encode to JSON that decodes to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(fuzzInput(start, count))
    guard let registry = try? Registry.decode(data, source: "fuzz") else { return 0 }
    let again = try? Registry.decode(registry.encoded(), source: "fuzz re-encoded")
    fuzzCheck(again == registry, "encode/decode round trip")
    return 0
}

@_cdecl("FuzzRegistry_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
