import FedCore
import Foundation
import SecAggTestSupport
import Sodium
import Testing

@testable import FedAudit

@Suite struct AuditLogTests {
    typealias Fixture = AuditLogFixture

    /// Writes the fixture log, applies `tamper` to its rows and verifies it without a registry key.
    func verifyTampered(
        _ tamper: (inout [AuditRow]) throws -> Void, registry: Ed25519.PublicKey? = nil
    ) throws -> AuditVerification {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA))
        var rows = try AuditLogReader.rows(at: url)
        try #require(rows.count == 31)
        try tamper(&rows)
        try AuditStore.replaceAllRows(url, with: rows)
        return try AuditVerifier.verify(url, registryServerKey: registry, accountant: Fixture.accountant)
    }

    @Test func validLogVerifiesWithAndWithoutTheRegistryKey() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let signer = try Fixture.key(Fixture.seedA)
        let heads = try Fixture.write(url, signer: signer)
        let records = try AuditLogReader.records(at: url)
        #expect(records.count == 31)
        #expect(records.map(\.seq) == Array(1...31))
        #expect(records.first?.kind == "run_started" && records.last?.kind == "run_closed")
        // The head hashes returned by the closes are the hashes of the closing records.
        #expect(heads == records.filter { $0.kind == "round_closed" || $0.kind == "run_closed" }.map(\.hash))

        let pinned = try AuditVerifier.verify(url, registryServerKey: signer.publicKey, accountant: Fixture.accountant)
        #expect(pinned.valid, "\(pinned.problems)")
        #expect(pinned.rounds == 3 && pinned.signerPinned && pinned.records == 31)
        #expect(pinned.epsilonCumulative == 3 * 0.25 / 1.25 && pinned.budgetEpsilon == 10)

        let unpinned = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        #expect(unpinned.valid && !unpinned.signerPinned)
        #expect(unpinned.signerPublicKey == signer.publicKey.hex)
    }

    @Test func editedPayloadIsDetectedAtThatRecord() throws {
        let v = try verifyTampered { rows in
            let original = rows[4].payload  // seq 5: masked_input survivors 1…8
            rows[4].payload = original.replacingOccurrences(of: "8]", with: "8,9]")
            #expect(rows[4].payload != original)
        }
        #expect(!v.valid)
        #expect(v.problems.first?.seq == 5 && v.problems.first?.kind == "survivors")
        #expect(v.problems.first?.message.contains("hash does not match") == true)
        #expect(Set(v.problems.map(\.seq)) == [5])
    }

    @Test func editedAndRehashedRecordFailsItsSignature() throws {
        let attacker = try Fixture.key(Fixture.seedB)
        let v = try verifyTampered { rows in
            rows[8].payload = rows[8].payload.replacingOccurrences(of: "7]", with: "7,8]")
            Fixture.resign(&rows[8], with: attacker)  // seq 9, and the next record no longer links to it
        }
        #expect(v.problems.first?.seq == 9)
        #expect(v.problems.first?.message.contains("signature") == true)
        #expect(v.problems.contains { $0.seq == 10 && $0.message.contains("prev_hash") })
    }

    @Test func resignedRecordWithAnotherKeyIsDetected() throws {
        let attacker = try Fixture.key(Fixture.seedB)
        let v = try verifyTampered { rows in
            Fixture.resign(&rows[11], with: attacker)  // seq 12, content unchanged
        }
        #expect(v.problems.map(\.seq) == [12])
        #expect(v.problems.first?.message.contains("signature does not verify") == true)
    }

    @Test func deletedRowIsDetectedWhereItWasMissing() throws {
        let v = try verifyTampered { rows in rows.remove(at: 6) }  // seq 7
        #expect(v.problems.first?.seq == 8)
        #expect(v.problems.first?.message.contains("missing") == true)
        #expect(v.problems.contains { $0.seq == 8 && $0.message.contains("prev_hash") })
    }

    @Test func deletedAndRenumberedRowsAreDetected() throws {
        let v = try verifyTampered { rows in
            rows.remove(at: 6)
            for i in 6..<rows.count { rows[i].seq -= 1 }
        }
        #expect(v.problems.first?.seq == 7)
        #expect(v.problems.first?.message.contains("prev_hash") == true)
    }

    @Test func reorderedRowsAreDetectedAtTheFirstMovedRecord() throws {
        let v = try verifyTampered { rows in
            // Swap the contents of seq 4 and 5 (the seq column is the order, so swap everything but seq).
            let (a, b) = (rows[3], rows[4])
            rows[3] = b
            rows[3].seq = a.seq
            rows[4] = a
            rows[4].seq = b.seq
        }
        #expect(v.problems.first?.seq == 4)
        #expect(!v.valid)
    }

    @Test func insertedRowIsDetectedEvenWhenLinkedAndSigned() throws {
        let attacker = try Fixture.key(Fixture.seedB)
        let v = try verifyTampered { rows in
            var fake = rows[2]  // a keys_advertised record of round 1, re-sent
            fake.seq = 4
            fake.prevHash = rows[2].hash
            Fixture.resign(&fake, with: attacker)
            for i in 3..<rows.count { rows[i].seq += 1 }
            rows[3].prevHash = fake.hash
            Fixture.resign(&rows[3], with: attacker)
            rows.insert(fake, at: 3)
        }
        #expect(v.problems.first?.seq == 4)
        #expect(v.problems.first?.message.contains("signature") == true)
    }

    @Test func truncatedTailIsReported() throws {
        let v = try verifyTampered { rows in rows.removeLast(3) }
        #expect(v.problems.count == 1)
        #expect(v.problems.first?.seq == 28)
        #expect(v.problems.first?.message == "log ends without a closing record (truncated?)")
    }

    @Test func logSignedByAnotherKeyFailsAgainstTheRegistryKey() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let attacker = try Fixture.key(Fixture.seedB)
        try Fixture.write(url, signer: attacker)
        let expected = try Fixture.key(Fixture.seedA).publicKey
        let v = try AuditVerifier.verify(url, registryServerKey: expected, accountant: Fixture.accountant)
        #expect(!v.valid && !v.signerPinned)
        #expect(v.problems.first?.seq == 1 && v.problems.first?.kind == "run_started")
        #expect(v.problems.first?.message.contains("registry pins") == true)
        // Without the registry it is self-consistent, but not pinned.
        let unpinned = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        #expect(unpinned.valid && !unpinned.signerPinned)
    }

    @Test func epsilonThatDoesNotMatchItsParametersIsFlagged() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = Fixture.Options()
        options.wrongEpsilonRound = [2: 0.2 * (1 + 1e-6)]  // true value 0.2
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA), options: options)
        let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        #expect(v.problems.count == 1)
        #expect(v.problems.first?.seq == 18 && v.problems.first?.kind == "round_charged")
        #expect(v.problems.first?.message.contains("epsilon_round") == true)
    }

    @Test func cumulativeEpsilonBeyondTheBudgetIsFlagged() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = Fixture.Options()
        options.budget = 0.5  // 0.2 per round: the third round overspends
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA), options: options)
        let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        #expect(v.problems.map(\.seq) == [27])
        #expect(v.problems.first?.message.contains("exceeds the budget") == true)
    }

    @Test func roundsWithDifferentParametersNeedAnRDPAccountant() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = Fixture.Options()
        options.noiseMultiplier = { $0 == 3 ? 2.5 : 1.25 }
        // The fixture charges with the identical-rounds accountant, which cannot compose round 3.
        #expect(throws: AuditError.Accounting.differentParameters(round: 3)) {
            try Fixture.write(url, signer: try Fixture.key(Fixture.seedA), options: options)
        }
        // An RDP accountant adds per-round curves: fake curve [a/z², b/z²], ε = min over orders of curve + 1/order.
        let rdp = RDPAuditAccountant(
            curve: { p in
                [0.1 / (p.noiseMultiplier * p.noiseMultiplier), 0.3 / (p.noiseMultiplier * p.noiseMultiplier)]
            },
            toEpsilon: { curve, _ in min(curve[0] + 1, curve[1] + 0.5) })
        let rounds = [Fixture.planned(1, steps: 0), Fixture.planned(2, steps: 1, noiseMultiplier: 2.5)]
        let expected = min(0.1 / 1.5625 + 0.1 / 6.25 + 1, 0.3 / 1.5625 + 0.3 / 6.25 + 0.5)
        #expect(try rdp.epsilon(composing: rounds, delta: 1e-5) == expected)
    }

    @Test func writerRefusesOutOfOrderReservedAndPostCloseEvents() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try AuditLog.create(
            at: url, signer: try Fixture.key(Fixture.seedA), pinned: false,
            budgetEpsilon: nil, delta: 1e-5)
        #expect(throws: AuditError.self) { try log.append(.keysAdvertised(KeysAdvertised(round: 1, clientIds: [1]))) }
        #expect(throws: AuditError.self) {
            try log.append(.runClosed(RunClosed(rounds: 0, epsilonCumulative: 0, headHash: log.headHash)))
        }
        try log.append(.roundPlanned(Fixture.planned(2, steps: 0)))
        #expect(throws: AuditError.self) { try log.append(.roundPlanned(Fixture.planned(3, steps: 0))) }
        #expect(throws: AuditError.self) { try log.closeRun(rounds: 1, epsilonCumulative: 0) }
        try log.append(.roundFailed(AuditRoundFailed(round: 2, reason: "test", charged: false)))
        try log.closeRound(2)
        #expect(throws: AuditError.self) { try log.append(.roundPlanned(Fixture.planned(2, steps: 0))) }
        try log.closeRun(rounds: 1, epsilonCumulative: 0)
        #expect(throws: AuditError.logClosed(file: url.path)) {
            try log.append(.roundPlanned(Fixture.planned(3, steps: 0)))
        }
        #expect(throws: AuditError.fileExists(file: url.path)) {
            try AuditLog.create(
                at: url, signer: try Fixture.key(Fixture.seedA), pinned: false, budgetEpsilon: nil, delta: 1e-5)
        }
        let v = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        #expect(v.valid, "\(v.problems)")
        #expect(v.rounds == 1 && v.epsilonCumulative == 0)
    }

    @Test func verifyingNeverModifiesTheFile() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Fixture.write(url, signer: try Fixture.key(Fixture.seedA))
        let before = try Data(contentsOf: url)
        _ = try AuditVerifier.verify(url, registryServerKey: nil, accountant: Fixture.accountant)
        _ = try AuditLogReader.records(at: url)
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["audit.sqlite"])
    }

    @Test func noSecretEverEntersTheLog() throws {
        let (directory, url) = try Fixture.temporaryLog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let signer = try Fixture.key(Fixture.seedA)
        try Fixture.write(url, signer: signer)
        let bytes = [UInt8](try Data(contentsOf: url))
        let publicKeyHex = Array(signer.publicKey.hex.utf8)
        #expect(contains(bytes, publicKeyHex), "the public key is recorded")
        #expect(!contains(bytes, Fixture.seedA))
        #expect(!contains(bytes, Array(Hex.encode(Fixture.seedA).utf8)))
        #expect(!contains(bytes, Array(Hex.encode(Fixture.seedA).uppercased().utf8)))
    }

    @Test func filesThatAreNotAuditLogsAreRefused() throws {
        let directory = try TemporaryFiles.directory(prefix: "fedaudit-tests")
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = directory.appendingPathComponent("ledger.jsonl")
        try Data(#"{"format":"secagg-ledger","version":1}"#.utf8).write(to: ledger)
        #expect(throws: AuditError.notAnAuditLog(file: ledger.path, detail: "no SQLite header")) {
            try AuditLogReader.records(at: ledger)
        }
        #expect(!AuditLogReader.looksLikeAuditLog(ledger))
        let missing = directory.appendingPathComponent("missing.sqlite")
        #expect(throws: AuditError.self) { try AuditLogReader.records(at: missing) }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { i in
            haystack[i..<(i + needle.count)].elementsEqual(needle)
        }
    }
}
