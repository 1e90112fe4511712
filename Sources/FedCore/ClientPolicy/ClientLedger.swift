import Foundation

/// A client's own privacy ledger: JSON lines of ``ClientLedgerRecord``, appended durably (`write(2)` + `fsync`)
/// before the client advertises any key for a round, so its budget holds across runs and crashes. A torn last
/// line (a crash mid-write) is ignored on read and cut off before the next append; any other malformed line,
/// or an unknown format version, is refused.
public struct ClientLedger: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Every complete record in order (none when the file does not exist yet).
    /// - Throws: ``FedCoreError/Policy/ledger(_:)`` naming the line that is malformed.
    public func records() throws(FedCoreError.Policy) -> [ClientLedgerRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .ledger("\(path) cannot be read")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if data.last != UInt8(ascii: "\n") { lines.removeLast() }  // torn tail (or empty file)
        let decoder = JSONDecoder()
        var records = [ClientLedgerRecord]()
        for (i, line) in lines.enumerated() where !line.isEmpty {
            guard let record = try? decoder.decode(ClientLedgerRecord.self, from: Data(line)) else {
                throw .ledger("\(path) line \(i + 1) is not a client ledger record")
            }
            guard record.formatVersion == ClientLedgerRecord.formatVersion else {
                throw .ledger("\(path) line \(i + 1) has format_version \(record.formatVersion) (this build reads 1)")
            }
            records.append(record)
        }
        return records
    }

    /// Appends `record` durably (creating the file, mode 0600, if needed); a torn last line is cut off first.
    /// - Throws: ``FedCoreError/Policy/ledger(_:)`` on any I/O failure (the round must then not be taken).
    public func append(_ record: ClientLedgerRecord) throws(FedCoreError.Policy) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let encoded = try? encoder.encode(record) else { throw .ledger("round \(record.round) cannot be encoded") }
        do {
            try DurableFile.appendLine(Array(encoded) + [UInt8(ascii: "\n")], to: path, creatingWith: 0o600)
        } catch { throw .ledger("\(path) cannot be appended to (\(error.detail))") }
    }
}
