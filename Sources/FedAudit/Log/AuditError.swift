/// FedAudit's one error type: why an audit log could not be created, appended to or read (every file-related
/// case names the file), or (nested, ``AuditError/Accounting``) why an ``AuditAccountant`` could not recompute ε.
/// Broken content found by the verifier is not an error: it is reported as ``AuditVerification/Problem``.
public enum AuditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be created, opened, read or written (SQLite or file-system failure).
    case io(file: String, detail: String)
    /// `create` refuses to overwrite an existing file.
    case fileExists(file: String)
    /// The file is not an SQLite database, or it lacks the `meta`/`events` tables of an audit log.
    case notAnAuditLog(file: String, detail: String)
    /// The `meta` table names another format than `secagg-audit`.
    case unknownFormat(file: String, format: String)
    /// The `meta` table names a version this reader does not understand.
    case unsupportedVersion(file: String, version: String)
    /// An event cannot be written: wrong round, wrong order, a reserved kind, or a non-finite number.
    case invalidEvent(detail: String)
    /// The run was already closed with `run_closed`; nothing more may be appended.
    case logClosed(file: String)

    public var description: String {
        switch self {
        case .io(let f, let d): "\(f): \(d)"
        case .fileExists(let f): "\(f): already exists (an audit log is never overwritten)"
        case .notAnAuditLog(let f, let d): "\(f): not an audit log (\(d))"
        case .unknownFormat(let f, let format): "\(f): unknown audit log format '\(format)'"
        case .unsupportedVersion(let f, let v): "\(f): unsupported audit log version \(v)"
        case .invalidEvent(let d): "invalid audit event: \(d)"
        case .logClosed(let f): "\(f): the run is closed; the audit log accepts no more events"
        }
    }
}
