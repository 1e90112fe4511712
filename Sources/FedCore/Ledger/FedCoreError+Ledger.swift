extension FedCoreError {
    /// Why a privacy ledger could not be read, repaired or appended to. Every case names the file.
    public enum Ledger: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be created, read, written, synced or renamed.
        case io(file: String, detail: String)
        /// The file is empty or its first line is incomplete (no header).
        case missingHeader(file: String)
        /// The first line is not a JSON header object with `format` and `version`.
        case invalidHeader(file: String, detail: String)
        /// The header's `format` is not `secagg-ledger`.
        case unknownFormat(file: String, format: String)
        /// The header's `version` is not one this reader understands.
        case unsupportedVersion(file: String, version: Int)
        /// A complete line (1-based; the header is line 1) is not a valid record: a corrupted ledger.
        case corruptRecord(file: String, line: Int, detail: String)
        /// A complete line carries a record `type` this version does not know.
        case unknownRecordType(file: String, line: Int, type: String)
        /// A record to append cannot be represented (e.g. a non-finite number).
        case invalidRecord(detail: String)

        public var description: String {
            switch self {
            case .io(let f, let d): "\(f): \(d)"
            case .missingHeader(let f): "\(f): not a ledger (no complete header line)"
            case .invalidHeader(let f, let d): "\(f): invalid ledger header (\(d))"
            case .unknownFormat(let f, let format): "\(f): unknown ledger format '\(format)'"
            case .unsupportedVersion(let f, let v): "\(f): unsupported ledger version \(v)"
            case .corruptRecord(let f, let l, let d): "\(f): line \(l): corrupt ledger record (\(d))"
            case .unknownRecordType(let f, let l, let t): "\(f): line \(l): unknown ledger record type '\(t)'"
            case .invalidRecord(let d): "invalid ledger record: \(d)"
            }
        }
    }
}
