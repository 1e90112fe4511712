import Testing

/// The reference-table loader refuses what it cannot read instead of dropping it.
@Suite struct ReferenceCSVTests {
    static let header = "section,case,quantity,method,value,q,sigma,steps,delta,opt_order,params,note\n"

    @Test func theShippedTableLoadsCompletely() throws {
        let rows = try ReferenceCSV.load()
        #expect(rows.count == ReferenceCSV.expectedRowCount)
        #expect(rows.allSatisfy { $0.value.isFinite || $0.value == .infinity })
    }

    @Test func aWellFormedRowParses() throws {
        let rows = try ReferenceCSV.rows(
            fromCSV: Self.header + "s,c,epsilon,\"m(orders=2,3)\",1.5,0.01,,100,1e-5,,a=1;upper_bound,\"x \"\"y\"\"\"\n")
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.method == "m(orders=2,3)" && row.value == 1.5 && row.q == 0.01 && row.sigma == nil)
        #expect(row.steps == 100 && row.delta == 1e-5 && row.params == ["a": "1", "upper_bound": ""])
    }

    @Test func malformedRowsAreErrorsNotSkipped() {
        #expect(throws: ReferenceCSVError.wrongFieldCount(record: 3, expected: 12, actual: 11)) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,m,1,,,,,,,\ns,c,e,m,1,,,,,,\n")
        }
        #expect(throws: ReferenceCSVError.badNumber(record: 2, column: "value", text: "1.2.3")) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,m,1.2.3,,,,,,,\n")
        }
        #expect(throws: ReferenceCSVError.badNumber(record: 2, column: "sigma", text: "abc")) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,m,1,,abc,,,,,\n")
        }
        #expect(throws: ReferenceCSVError.badNumber(record: 2, column: "steps", text: "2.5")) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,m,1,,,2.5,,,,\n")
        }
        #expect(throws: ReferenceCSVError.emptyValue(record: 2)) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,m,,,,,,,,\n")
        }
        #expect(throws: ReferenceCSVError.unterminatedQuote) {
            try ReferenceCSV.rows(fromCSV: Self.header + "s,c,e,\"m,1,,,,,,,\n")
        }
        #expect(throws: ReferenceCSVError.missingColumn("note")) {
            try ReferenceCSV.rows(fromCSV: "section,case,quantity,method,value,q,sigma,steps,delta,opt_order,params\n")
        }
        #expect(throws: ReferenceCSVError.empty) { try ReferenceCSV.rows(fromCSV: "") }
    }
}
