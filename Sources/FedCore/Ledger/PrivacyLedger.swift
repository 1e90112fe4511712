import Foundation

/// The first line of a ledger file.
public struct LedgerHeader: Codable, Sendable, Equatable {
    /// Always ``PrivacyLedger/format``.
    public var format: String
    /// Format version; readers refuse versions they do not know.
    public var version: Int
    /// ISO 8601 creation time.
    public var created: String?
}

/// A parsed ledger.
public struct LedgerContents: Sendable, Equatable {
    public let header: LedgerHeader
    /// Every complete record, in file order.
    public let records: [LedgerRecord]
    /// Bytes after the last newline: a record torn by a crash mid-append (0 when the file is clean).
    /// Such a tail is never a committed record; ``PrivacyLedger/open(_:createIfMissing:)`` removes it.
    public let tornTailByteCount: Int

    /// The `round_charged` records, in order.
    public var chargedRounds: [RoundCharged] {
        records.compactMap { if case .roundCharged(let r) = $0 { r } else { nil } }
    }

    /// The rounds that released a sum without noise (their ε is ∞).
    public var unprotectedRounds: [RoundUnprotected] {
        records.compactMap { if case .roundUnprotected(let r) = $0 { r } else { nil } }
    }

    /// `epsilon_cumulative` of the last `round_charged` record (nil when nothing was charged).
    public var lastCumulativeEpsilon: Double? { chargedRounds.last?.epsilonCumulative }

    /// `budget_epsilon` of the last `round_charged` record that has one: the ledger's budget (ε, at the records'
    /// δ), nil when no charged round recorded one.
    public var recordedBudget: Double? { chargedRounds.last(where: { $0.budgetEpsilon != nil })?.budgetEpsilon }
}

/// An append-only JSON-lines privacy ledger (see Docs/formats.md).
///
/// Line 1 is a ``LedgerHeader`` (`{"format":"secagg-ledger","version":1,…}`); every further line is one
/// ``LedgerRecord``. Each append is one `write(2)` of a complete line on an `O_APPEND` descriptor followed by
/// `fsync`, so a crash leaves at most a torn final line without its newline; readers report it and
/// ``open(_:createIfMissing:)`` truncates it (atomically, by rewrite and rename). A bad complete line anywhere
/// is corruption and is refused with a typed error. One writer per file; not safe for concurrent writers.
public struct PrivacyLedger: Sendable {
    public static let format = "secagg-ledger"
    public static let version = 1

    /// The ledger file.
    public let url: URL
    /// Bytes of torn tail removed when the ledger was opened (0 when it was clean or new).
    public let repairedByteCount: Int

    private init(url: URL, repairedByteCount: Int) {
        self.url = url
        self.repairedByteCount = repairedByteCount
    }

    /// Opens the ledger at `url` for appending: validates every complete line, removes a torn tail, and
    /// (when `createIfMissing`) creates a new ledger holding only the header.
    /// - Throws: ``FedCoreError/Ledger`` for I/O failures, a missing/unknown header or version, or a corrupt record.
    public static func open(_ url: URL, createIfMissing: Bool = true) throws(FedCoreError.Ledger) -> PrivacyLedger {
        if !FileManager.default.fileExists(atPath: url.path) {
            guard createIfMissing else { throw .io(file: url.path, detail: "no such file") }
            let header = LedgerHeader(format: format, version: version, created: LedgerRecord.timestamp())
            let line = try encodeLine(header, file: url.path)
            try replaceFile(url, with: line)
            return PrivacyLedger(url: url, repairedByteCount: 0)
        }
        let repaired = try repairTornTail(url)
        return PrivacyLedger(url: url, repairedByteCount: repaired)
    }

    /// Reads and validates a ledger without modifying it (a torn tail is reported, not removed).
    public static func read(contentsOf url: URL) throws(FedCoreError.Ledger) -> LedgerContents {
        try parse(try readBytes(url), file: url.path)
    }

    /// Parses ledger bytes; `file` names the source in errors.
    public static func parse(_ bytes: Data, file: String) throws(FedCoreError.Ledger) -> LedgerContents {
        let all = [UInt8](bytes)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, b) in all.enumerated() where b == UInt8(ascii: "\n") {
            lines.append(all[start..<i])
            start = i + 1
        }
        let torn = all.count - start
        guard let headerLine = lines.first else { throw .missingHeader(file: file) }
        let header: LedgerHeader
        do {
            header = try JSONDecoder().decode(LedgerHeader.self, from: Data(headerLine))
        } catch {
            throw .invalidHeader(file: file, detail: "first line is not a JSON object with format and version")
        }
        guard header.format == format else { throw .unknownFormat(file: file, format: header.format) }
        guard header.version == version else { throw .unsupportedVersion(file: file, version: header.version) }
        var records: [LedgerRecord] = []
        let decoder = JSONDecoder()
        for (index, line) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            let data = Data(line)
            guard let probe = try? decoder.decode(TypeProbe.self, from: data) else {
                throw .corruptRecord(file: file, line: lineNumber, detail: "not a JSON object with a string 'type'")
            }
            guard LedgerRecord.Kind(rawValue: probe.type) != nil else {
                throw .unknownRecordType(file: file, line: lineNumber, type: probe.type)
            }
            do {
                records.append(try decoder.decode(LedgerRecord.self, from: data))
            } catch {
                throw .corruptRecord(file: file, line: lineNumber, detail: "fields of '\(probe.type)' are missing or mistyped")
            }
        }
        return LedgerContents(header: header, records: records, tornTailByteCount: torn)
    }

    /// The whole ledger, validated (a torn tail is tolerated and reported in the result).
    public func read() throws(FedCoreError.Ledger) -> LedgerContents { try Self.read(contentsOf: url) }

    /// Every complete record, in order.
    public func records() throws(FedCoreError.Ledger) -> [LedgerRecord] { try read().records }

    /// The `round_charged` records, in order.
    public var chargedRounds: [RoundCharged] { get throws(FedCoreError.Ledger) { try read().chargedRounds } }

    /// `epsilon_cumulative` of the last `round_charged` record, nil when nothing was charged.
    public var lastCumulativeEpsilon: Double? { get throws(FedCoreError.Ledger) { try read().lastCumulativeEpsilon } }

    /// Appends `record` as one line with ``DurableFile/appendLine(_:to:creatingWith:)``: `write(2)` on an
    /// `O_APPEND` descriptor, then `fsync`. If the file ends in a torn line (an earlier crash), that tail is cut
    /// off first. The file must exist (``open(_:createIfMissing:)`` wrote its header).
    /// - Throws: ``FedCoreError/Ledger/invalidRecord(detail:)`` when the record cannot be encoded (non-finite
    ///   number); ``FedCoreError/Ledger/io(file:detail:)`` naming the POSIX call that failed.
    public func append(_ record: LedgerRecord) throws(FedCoreError.Ledger) {
        let line: [UInt8]
        do {
            line = try Self.encodeLine(record, file: url.path)
        } catch {
            throw .invalidRecord(detail: "\(record.kind.rawValue) for round \(record.round) cannot be encoded as JSON")
        }
        do { try DurableFile.appendLine(line, to: url.path, creatingWith: nil) } catch {
            throw .io(file: url.path, detail: error.detail)
        }
    }

    // MARK: - Helpers

    private struct TypeProbe: Decodable { var type: String }

    private static func encodeLine(_ value: some Encodable, file: String) throws(FedCoreError.Ledger) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
        } catch {
            throw .invalidRecord(detail: "cannot encode for \(file)")
        }
    }

    private static func readBytes(_ url: URL) throws(FedCoreError.Ledger) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .io(file: url.path, detail: "cannot read: \(FileErrorText.readFailure(url.path, error))")
        }
    }

    /// Validates the file and, when it ends in a torn line, atomically rewrites it without that tail.
    /// Returns the number of bytes removed.
    private static func repairTornTail(_ url: URL) throws(FedCoreError.Ledger) -> Int {
        let bytes = try readBytes(url)
        let contents = try parse(bytes, file: url.path)
        guard contents.tornTailByteCount > 0 else { return 0 }
        try replaceFile(url, with: [UInt8](bytes.prefix(bytes.count - contents.tornTailByteCount)))
        return contents.tornTailByteCount
    }

    private static func replaceFile(_ url: URL, with bytes: [UInt8]) throws(FedCoreError.Ledger) {
        do {
            try DurableFile.replace(url) { write in try bytes.withUnsafeBytes { try write($0) } }
        } catch let failure as DurableFile.Failure {
            throw .io(file: url.path, detail: failure.detail)
        } catch {
            throw .io(file: url.path, detail: "\(error)")
        }
    }
}
