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

/// A small RFC 4180 reader (quoted fields, doubled quotes) for the reference table.
enum ReferenceCSV {
    static func load() throws -> [ReferenceRow] {
        let url = try #require(Bundle.module.url(forResource: "dp_public", withExtension: "csv",
                                                 subdirectory: "Resources"))
        let text = try String(contentsOf: url, encoding: .utf8)
        var records = parse(text)
        guard !records.isEmpty else { return [] }
        let header = records.removeFirst()
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() { index[name] = position }
        return records.filter { $0.count == header.count }.map { r in
            func field(_ name: String) -> String { index[name].map { r[$0] } ?? "" }
            var params: [String: String] = [:]
            for pair in field("params").split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { params[parts[0]] = parts[1] }
            }
            return ReferenceRow(
                section: field("section"), caseName: field("case"), quantity: field("quantity"),
                method: field("method"), value: ReferenceRow.number(field("value")) ?? .nan,
                q: ReferenceRow.number(field("q")), sigma: ReferenceRow.number(field("sigma")),
                steps: ReferenceRow.number(field("steps")).map { Int($0) },
                delta: ReferenceRow.number(field("delta")), optOrder: ReferenceRow.number(field("opt_order")),
                params: params)
        }
    }

    static func parse(_ text: String) -> [[String]] {
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
