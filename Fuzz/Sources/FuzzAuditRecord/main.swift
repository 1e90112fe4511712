import FedAudit
import FedCore
import Foundation
import FuzzSupport

/// Input: one byte choosing the record kind, then the record's payload JSON (as an audit log row stores it).
/// A payload that decodes must re-encode canonically to a payload that decodes to the same event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    guard let selector = bytes.first else { return 0 }
    let kinds = AuditEvent.Kind.allCases
    let kind = kinds[Int(selector) % kinds.count].rawValue
    let payload = String(decoding: bytes.dropFirst(), as: UTF8.self)
    guard let event = AuditEvent.decode(kind: kind, payload: payload) else { return 0 }
    fuzzCheck(event.kind.rawValue == kind, "decoded kind matches")
    guard let canonical = try? event.canonicalPayload() else { return 0 }
    fuzzCheck(AuditEvent.decode(kind: kind, payload: canonical) == event, "canonical re-encoding round trip")
    return 0
}

@_cdecl("FuzzAuditRecord_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
