import FedCore
import Foundation

/// One record of an audit log as read (not verified): its position, kind, round, decoded event and hash.
public struct AuditRecord: Sendable, Equatable {
    public let seq: Int
    /// The stored kind string (may be unknown to this version when the log was tampered with).
    public let kind: String
    public let round: Int?
    /// The decoded payload; nil when it does not decode as `kind`.
    public let event: AuditEvent?
    /// Lower-case hex hash as stored.
    public let hash: String
}

/// Reads audit logs read-only (never modifies the file).
public enum AuditLogReader {
    /// Every record in `seq` order.
    /// - Throws: ``AuditError`` when the file is missing, not SQLite, or not a `secagg-audit` version 1 log.
    public static func records(at url: URL) throws(AuditError) -> [AuditRecord] {
        try rows(at: url).map { row in
            AuditRecord(
                seq: Int(row.seq), kind: row.kind, round: row.round.map { Int($0) },
                event: AuditEvent.decode(kind: row.kind, payload: row.payload), hash: row.hash)
        }
    }

    static func rows(at url: URL) throws(AuditError) -> [AuditRow] {
        let queue = try AuditStore.openReadOnly(url)
        return try AuditStore.rows(queue, file: url.path)
    }

    /// True when the file starts with the SQLite header (an audit log rather than a JSON-lines ledger).
    public static func looksLikeAuditLog(_ url: URL) -> Bool { AuditStore.isSQLite(url) }
}
