import Foundation
import Testing

/// One row of `Resources/dp_public.csv` (see /work/shared/reference/README.md for the columns).
struct ReferenceRow: Sendable {
    let section: String
    let caseName: String
    let quantity: String
    let method: String
    let value: Double
    let q: Double?
    let sigma: Double?
    let steps: Int?
    let delta: Double?
    let optOrder: Double?
    let params: [String: String]

    var label: String { "\(section) | \(caseName) | \(method)" }

    func param(_ key: String) -> Double? { params[key].flatMap(Self.number) }

    static func number(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        if t == "inf" { return .infinity }
        if t == "exp(-0.5)" { return Foundation.exp(-0.5) }
        return Double(t)
    }
}

/// Why the reference table could not be read. Every malformed row is an error: a row dropped silently would
/// shrink the set of checked values without anyone noticing.
enum ReferenceCSVError: Error, Equatable, CustomStringConvertible {
    case missingResource
    case empty
    case missingColumn(String)
    /// `record` counts from 1 for the header.
    case wrongFieldCount(record: Int, expected: Int, actual: Int)
    case badNumber(record: Int, column: String, text: String)
    case emptyValue(record: Int)
    case unterminatedQuote

    var description: String {
        switch self {
        case .missingResource: return "Resources/dp_public.csv is not in the test bundle"
        case .empty: return "the reference table is empty"
        case .missingColumn(let c): return "the header has no column \(c)"
        case let .wrongFieldCount(r, e, a): return "record \(r) has \(a) fields, the header \(e)"
        case let .badNumber(r, c, t): return "record \(r): \(c) is not a number: \(t)"
        case .emptyValue(let r): return "record \(r) has no value"
        case .unterminatedQuote: return "a quoted field is not closed before the end of the file"
        }
    }
}

/// A small RFC 4180 reader (quoted fields, doubled quotes) for the reference table.
enum ReferenceCSV {
    /// Data rows of `Resources/dp_public.csv` (the header excluded). A change to the table must change this.
    static let expectedRowCount = 669
    static let columns = [
        "section", "case", "quantity", "method", "value", "q", "sigma", "steps", "delta", "opt_order", "params",
        "note",
    ]

    static func load() throws -> [ReferenceRow] {
        guard let url = Bundle.module.url(forResource: "dp_public", withExtension: "csv", subdirectory: "Resources")
        else { throw ReferenceCSVError.missingResource }
        return try rows(fromCSV: try String(contentsOf: url, encoding: .utf8))
    }

    /// Every data row of `text`; throws on the first malformed one (wrong field count, a numeric column that
    /// does not parse, a row without a value, an unterminated quote).
    static func rows(fromCSV text: String) throws(ReferenceCSVError) -> [ReferenceRow] {
        var records = try parse(text)
        guard !records.isEmpty else { throw .empty }
        let header = records.removeFirst()
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() { index[name] = position }
        for column in columns where index[column] == nil { throw .missingColumn(column) }
        var rows: [ReferenceRow] = []
        rows.reserveCapacity(records.count)
        for (offset, r) in records.enumerated() {
            let record = offset + 2
            guard r.count == header.count else {
                throw .wrongFieldCount(record: record, expected: header.count, actual: r.count)
            }
            func field(_ name: String) -> String { index[name].map { r[$0] } ?? "" }
            func optionalNumber(_ name: String) throws(ReferenceCSVError) -> Double? {
                let text = field(name)
                if text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
                guard let x = ReferenceRow.number(text) else {
                    throw .badNumber(record: record, column: name, text: text)
                }
                return x
            }
            guard let value = try optionalNumber("value") else { throw .emptyValue(record: record) }
            var steps: Int?
            if let s = try optionalNumber("steps") {
                guard s >= 0, s == s.rounded(), let n = Int(exactly: s) else {
                    throw .badNumber(record: record, column: "steps", text: field("steps"))
                }
                steps = n
            }
            var params: [String: String] = [:]
            for pair in field("params").split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                // A bare word (e.g. `upper_bound`) is a flag: present, with no value.
                params[parts[0]] = parts.count == 2 ? parts[1] : ""
            }
            rows.append(
                ReferenceRow(
                    section: field("section"), caseName: field("case"), quantity: field("quantity"),
                    method: field("method"), value: value, q: try optionalNumber("q"),
                    sigma: try optionalNumber("sigma"), steps: steps, delta: try optionalNumber("delta"),
                    optOrder: try optionalNumber("opt_order"), params: params))
        }
        return rows
    }

    static func parse(_ text: String) throws(ReferenceCSVError) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else if c != "\r" {
                field.append(c)
            }
        }
        if quoted { throw .unterminatedQuote }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }

    /// Orders named in a method string, e.g. `…(orders=2..128,256)`; nil when the method names none.
    static func orders(in method: String) -> [Double]? {
        guard let range = method.range(of: "orders=") else { return nil }
        let tail = method[range.upperBound...].prefix { "0123456789.,".contains($0) }
        var orders: [Double] = []
        for token in tail.split(separator: ",") {
            if let dots = token.range(of: "..") {
                guard let a = Int(token[..<dots.lowerBound]), let b = Int(token[dots.upperBound...]), a <= b
                else { return nil }
                orders += (a...b).map { Double($0) }
            } else if let x = Double(token) {
                orders.append(x)
            } else { return nil }
        }
        return orders.isEmpty ? nil : orders
    }
}
