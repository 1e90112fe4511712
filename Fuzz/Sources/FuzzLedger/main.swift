import FedCore
import Foundation
import FuzzSupport

/// Input: ledger file bytes. A ledger that parses reports a torn tail no longer than the input, and its
/// records re-encode (as JSON lines after the same header) to a ledger that parses to the same records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = Data(fuzzInput(start, count))
    guard let contents = try? PrivacyLedger.parse(data, file: "fuzz") else { return 0 }
    fuzzCheck(contents.tornTailByteCount >= 0 && contents.tornTailByteCount < data.count, "torn tail size")
    let encoder = JSONEncoder()
    var lines = Data()
    guard let header = try? encoder.encode(contents.header) else { return 0 }
    lines.append(header)
    lines.append(0x0A)
    for record in contents.records {
        // Non-finite numbers cannot come out of JSON, so every parsed record must encode.
        guard let line = try? encoder.encode(record) else {
            fuzzCheck(false, "parsed record does not encode")
            return 0
        }
        lines.append(line)
        lines.append(0x0A)
    }
    let again = try? PrivacyLedger.parse(lines, file: "fuzz re-encoded")
    fuzzCheck(again?.records == contents.records && again?.header == contents.header, "encode/parse round trip")
    return 0
}

@_cdecl("FuzzLedger_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
