import Foundation
import GRDB

/// One stored row of the `events` table, as read (nothing verified).
struct AuditRow: Sendable, Equatable {
    var seq: Int64
    var kind: String
    var round: Int64?
    var payload: String
    var prevHash: String
    var hash: String
    var signature: String
    /// Columns whose stored type was not the expected one (read as empty/zero); empty for a well-formed row.
    var malformedColumns: [String] = []
}

/// SQLite storage of the audit log (through GRDB). Schema, version 1:
/// `meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)` with `format` = `secagg-audit`, `version` = `1`;
/// `events(seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, round INTEGER, payload TEXT NOT NULL,
/// prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL)`.
enum AuditStore {
    static let format = "secagg-audit"
    static let version = "1"
    /// The first 16 bytes of every SQLite 3 database file.
    static let sqliteMagic: [UInt8] = Array("SQLite format 3".utf8) + [0]

    /// True when the file starts with the SQLite header (false when it cannot be read).
    static func isSQLite(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 16) else { return false }
        return [UInt8](head) == sqliteMagic
    }

    /// Creates a new database with the schema and meta rows; refuses an existing file.
    static func create(_ url: URL) throws(AuditError) -> DatabaseQueue {
        guard !FileManager.default.fileExists(atPath: url.path) else { throw .fileExists(file: url.path) }
        do {
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                try db.execute(
                    sql: """
                        CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, round INTEGER, \
                        payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL)
                        """)
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES ('format', ?), ('version', ?)",
                    arguments: [format, version])
            }
            return queue
        } catch {
            throw .io(file: url.path, detail: "cannot create the audit database: \(error)")
        }
    }

    /// Appends one row in its own transaction (durable when it returns).
    static func insert(_ row: AuditRow, into queue: DatabaseQueue, file: String) throws(AuditError) {
        do {
            try queue.write { db in try insert(row, db) }
        } catch {
            throw .io(file: file, detail: "cannot append audit record \(row.seq): \(error)")
        }
    }

    private static func insert(_ row: AuditRow, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO events (seq, kind, round, payload, prev_hash, hash, signature) \
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [row.seq, row.kind, row.round, row.payload, row.prevHash, row.hash, row.signature])
    }

    /// Opens an existing log read-only and checks its meta rows.
    static func openReadOnly(_ url: URL) throws(AuditError) -> DatabaseQueue {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .io(file: url.path, detail: "no such file")
        }
        guard isSQLite(url) else { throw .notAnAuditLog(file: url.path, detail: "no SQLite header") }
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        let meta: [String: String]
        do {
            queue = try DatabaseQueue(path: url.path, configuration: configuration)
            meta = try queue.read { db in
                var values: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") {
                    if let key = String.fromDatabaseValue(row[0] as DatabaseValue),
                        let value = String.fromDatabaseValue(row[1] as DatabaseValue)
                    {
                        values[key] = value
                    }
                }
                return values
            }
        } catch {
            throw .notAnAuditLog(file: url.path, detail: "no readable meta table")
        }
        guard let format = meta["format"] else { throw .notAnAuditLog(file: url.path, detail: "meta has no format") }
        guard format == Self.format else { throw .unknownFormat(file: url.path, format: format) }
        let version = meta["version"] ?? "(none)"
        guard version == Self.version else { throw .unsupportedVersion(file: url.path, version: version) }
        return queue
    }

    /// Every row ordered by `seq`. Columns of an unexpected type are read as empty and named in `malformedColumns`.
    static func rows(_ queue: DatabaseQueue, file: String) throws(AuditError) -> [AuditRow] {
        do {
            return try queue.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT seq, kind, round, payload, prev_hash, hash, signature FROM events ORDER BY seq"
                ).map(Self.auditRow)
            }
        } catch {
            throw .notAnAuditLog(file: file, detail: "no readable events table")
        }
    }

    private static func auditRow(_ row: Row) -> AuditRow {
        var bad: [String] = []
        func text(_ index: Int, _ name: String) -> String {
            if let s = String.fromDatabaseValue(row[index] as DatabaseValue) { return s }
            bad.append(name)
            return ""
        }
        let seqValue = row[0] as DatabaseValue
        let seq: Int64
        if case .int64(let v) = seqValue.storage {
            seq = v
        } else {
            seq = 0
            bad.append("seq")
        }
        let roundValue = row[2] as DatabaseValue
        var round: Int64?
        switch roundValue.storage {
        case .null: round = nil
        case .int64(let v): round = v
        default: bad.append("round")
        }
        let kind = text(1, "kind")
        let payload = text(3, "payload")
        let prevHash = text(4, "prev_hash")
        let hash = text(5, "hash")
        let signature = text(6, "signature")
        return AuditRow(
            seq: seq, kind: kind, round: round, payload: payload, prevHash: prevHash, hash: hash,
            signature: signature, malformedColumns: bad)
    }

    /// Replaces every event row with `rows` (tests use it to tamper with a log). Not used by the writer.
    static func replaceAllRows(_ url: URL, with rows: [AuditRow]) throws {
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: "DELETE FROM events")
            for row in rows { try insert(row, db) }
        }
    }
}
