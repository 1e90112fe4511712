import FedCore
import Foundation
import Testing

/// `serve` and `client` processes over loopback gRPC: dropouts, TLS and refusals. Every wait is bounded and
/// every child process is killed when a test ends.
@Suite(.serialized)
struct LoopbackRoundTests {
    /// Checks the averaged update the server wrote against the plain average of `survivors`' updates, or, with
    /// `divisor` (a sampled run's fixed q·N), their sum divided by it.
    func expectAverage(
        _ fixture: LoopbackFixture, file: String, survivors: [Int], errorBound: Double, divisor: Double? = nil
    ) throws {
        let recovered = try fixture.readAverage(file)
        let scale = divisor.map { Double(survivors.count) / $0 } ?? 1
        let expected = fixture.plainAverage(of: survivors).map { $0 * scale }
        #expect(recovered.count == expected.count)
        let worst = LoopbackFixture.worstError(recovered, expected, bound: errorBound)
        #expect(worst <= 1, "recovered average off by \(worst)× the allowed error")
    }

    @Test func averageOfSurvivorsIsRecoveredWhenAClientVanishesAfterShareKeys() throws {
        let fixture = try LoopbackFixture(clients: 5)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--dropout", "0.2", "--out", "average.safetensors"],
            clients: 5, group: group)
        var clients: [ToolProcess] = []
        for id in 1...5 {
            let hooks = id == 2 ? ["--exit-after", "share-keys"] : []
            clients.append(try fixture.startClient(id, port: port, hooks: hooks, group: group))
        }
        let serverCode = server.wait(seconds: 120)
        #expect(serverCode == 0, "serve failed: \(server.stderr)")
        for c in clients {
            #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)")
        }
        let json = try server.json()
        let rounds = try #require(json["rounds"] as? [[String: Any]])
        #expect(rounds.count == 1)
        let round = try #require(rounds.first)
        #expect(round["clients"] as? Int == 5)
        #expect(round["survivors"] as? Int == 4)
        #expect(round["survivor_ids"] as? [Int] == [1, 3, 4, 5])
        let bound = try #require(round["error_bound"] as? Double)
        #expect(bound > 0 && bound < 1e-3)
        #expect(json["output"] as? String == "average.safetensors")
        try expectAverage(fixture, file: "average.safetensors", survivors: [1, 3, 4, 5], errorBound: bound)
    }

    @Test func roundsRunOverTLSWithTheDevCertificates() throws {
        let fixture = try LoopbackFixture(clients: 3)
        defer { fixture.remove() }
        try fixture.makeDevCertificates("certs")

        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            [
                "--rounds", "2", "--no-dp", "--clip", "10", "--dropout", "0", "--out", "average.safetensors",
                "--tls-cert", "certs/server.pem", "--tls-key", "certs/server.key",
            ], clients: 3, group: group)
        let clients = try (1...3).map {
            try fixture.startClient($0, port: port, extra: ["--tls-ca", "certs/ca.pem"], group: group)
        }
        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in clients { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        let rounds = try #require(try server.json()["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["survivor_ids"] as? [Int] } == [[1, 2, 3], [1, 2, 3]])
        let bound = try #require(rounds.last?["error_bound"] as? Double)
        try expectAverage(fixture, file: "average.safetensors", survivors: [1, 2, 3], errorBound: bound)
    }

    @Test func servedRoundsWithDPWriteAnAuditLogThatVerifiesAsPinnedByTheRegistry() throws {
        let fixture = try LoopbackFixture(clients: 3)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "2", "--clip", "10", "--dropout", "0", "--ledger", "run.ledger", "--audit-log", "audit.sqlite"],
            clients: 3, group: group)
        let clients = try (1...3).map { try fixture.startClient($0, port: port, group: group) }
        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in clients { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        let served = try server.json()
        #expect(served["dp"] as? Bool == true)
        let epsilon = try #require(served["epsilon"] as? Double)

        let verify = try ToolProcess(
            ["audit", "verify", "audit.sqlite", "--registry", "keys/registry.json", "--json"], name: "audit-verify",
            in: fixture.directory)
        #expect(verify.wait(seconds: 60) == 0, "audit verify failed: \(verify.stdout) \(verify.stderr)")
        let report = try verify.json()
        #expect(report["valid"] as? Bool == true, "problems: \(report["problems"] ?? "none")")
        #expect(report["rounds"] as? Int == 2)
        #expect(report["signer_pinned"] as? Bool == true)
        let audited = try #require(report["epsilon_cumulative"] as? Double)
        #expect(abs(audited - epsilon) <= 1e-9 * max(1, epsilon))
    }

    @Test func aRoundAbortedForTooFewSurvivorsStillLeavesAClosedVerifiableAuditLog() throws {
        let fixture = try LoopbackFixture(clients: 4)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--min-survivors", "4", "--audit-log", "audit.sqlite"],
            clients: 4, group: group)
        let clients = try (1...4).map {
            try fixture.startClient($0, port: port, hooks: $0 == 3 ? ["--exit-after", "share-keys"] : [], group: group)
        }
        #expect(server.wait(seconds: 120) == 1, "serve should fail the round: \(server.stderr)")
        for c in clients { _ = c.wait(seconds: 30) }
        let verify = try ToolProcess(
            ["audit", "verify", "audit.sqlite", "--registry", "keys/registry.json", "--json"], name: "audit-verify",
            in: fixture.directory)
        #expect(verify.wait(seconds: 60) == 0, "audit verify failed: \(verify.stdout) \(verify.stderr)")
        let report = try verify.json()
        #expect(report["valid"] as? Bool == true, "problems: \(report["problems"] ?? "none")")
        #expect(report["signer_pinned"] as? Bool == true)
    }

    @Test func serveRefusesAnAuditLogThatAlreadyExists() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        try Data("not a log".utf8).write(to: fixture.directory.appendingPathComponent("audit.sqlite"))
        let server = try ToolProcess(
            [
                "serve", "--listen", "127.0.0.1:0", "--clients", "2", "--registry", "keys/registry.json",
                "--identity", "keys/server.key", "--model", "model.safetensors", "--audit-log", "audit.sqlite",
            ], name: "server", in: fixture.directory)
        defer { server.kill() }
        #expect(server.wait(seconds: 60) == 2, "serve should refuse: \(server.stderr)")
        #expect(server.stderr.contains("audit.sqlite"))
    }

    @Test func tlsServerServesNeitherPlaintextClientsNorClientsTrustingAnotherCA() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        try fixture.makeDevCertificates("certs")
        try fixture.makeDevCertificates("other-certs")
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--tls-cert", "certs/server.pem", "--tls-key", "certs/server.key"],
            clients: 2, joinTimeout: 10, group: group)
        // Both see UNAVAILABLE, which a client retries until its --join-timeout.
        let plaintext = try fixture.startClient(
            1, port: port, extra: ["--join-timeout", "3"], name: "plaintext", group: group)
        let wrongCA = try fixture.startClient(
            2, port: port, extra: ["--tls-ca", "other-certs/ca.pem", "--join-timeout", "3"], name: "wrong-ca",
            group: group)
        #expect(plaintext.wait(seconds: 60) == 1, "\(plaintext.stderr)")
        #expect(wrongCA.wait(seconds: 60) == 1, "\(wrongCA.stderr)")
        // Each is told the likely mismatch and the flag that fixes it.
        #expect(plaintext.stderr.contains("if the server uses TLS (serve --tls-cert), pass --tls-ca"), "\(plaintext.stderr)")
        #expect(
            wrongCA.stderr.contains("the server's TLS certificate does not verify against --tls-ca"), "\(wrongCA.stderr)")
        // The sentence replaces the transport's dump.
        #expect(!wrongCA.stderr.contains("BoringSSLError"), "\(wrongCA.stderr)")
        // Nobody could join: the server gives up after --join-timeout with exit 1.
        #expect(server.wait(seconds: 60) == 1)
        #expect(server.stderr.contains("only 0 of 2 clients joined"), "\(server.stderr)")
    }

    @Test func aTLSClientOfAPlaintextServerIsToldToDropTLSCA() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        try fixture.makeDevCertificates("certs")
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(["--rounds", "1", "--no-dp"], clients: 2, joinTimeout: 10, group: group)
        let client = try fixture.startClient(
            1, port: port, extra: ["--tls-ca", "certs/ca.pem", "--join-timeout", "3"], name: "tls-client", group: group)
        #expect(client.wait(seconds: 60) == 1, "\(client.stderr)")
        #expect(client.stderr.contains("the server answered without TLS"), "\(client.stderr)")
        #expect(client.stderr.contains("drop --tls-ca"), "\(client.stderr)")
        #expect(!client.stderr.contains("BoringSSLError"), "\(client.stderr)")
        #expect(server.wait(seconds: 60) == 1)
    }

    @Test func unknownBadlySignedAndOversizedClientsAreRefusedWhileTheRoundCompletes() throws {
        let fixture = try LoopbackFixture(clients: 5)
        defer { fixture.remove() }
        // A second key set: its client 6 is in no registry the server knows; its client 3 has the wrong key.
        try fixture.runToCompletion(["keygen", "--out", "other", "--clients", "6"], name: "keygen-other")
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--clip", "10", "--dropout", "0.2", "--out", "average.safetensors"],
            clients: 5, group: group)

        let outsider = try fixture.startClient(
            5, port: port, key: fixture.keyFile(6, in: "other"), name: "outsider", group: group)
        let impostor = try fixture.startClient(
            3, port: port, key: fixture.keyFile(3, in: "other"), name: "impostor", group: group)
        #expect(outsider.wait(seconds: 60) == 1)
        #expect(
            outsider.stderr.contains("permission denied: client 6 is not in the server's registry"),
            "\(outsider.stderr)")
        #expect(impostor.wait(seconds: 60) == 1)
        #expect(
            impostor.stderr.contains("permission denied: authentication signature of client 3 does not verify"),
            "\(impostor.stderr)")

        var honest: [ToolProcess] = []
        for id in 1...4 { honest.append(try fixture.startClient(id, port: port, group: group)) }
        let oversized = try fixture.startClient(
            5, port: port, hooks: ["--misbehave", "oversized-vector"], name: "oversized", group: group)

        #expect(server.wait(seconds: 120) == 0, "serve failed: \(server.stderr)")
        for c in honest { #expect(c.wait(seconds: 90) == 0, "\(c.name) failed: \(c.stderr)") }
        #expect(oversized.wait(seconds: 30) == 1)
        #expect(oversized.stderr.contains("limit exceeded"), "\(oversized.stderr)")

        let round = try #require((try server.json()["rounds"] as? [[String: Any]])?.first)
        #expect(round["survivor_ids"] as? [Int] == [1, 2, 3, 4])
        let bound = try #require(round["error_bound"] as? Double)
        try expectAverage(fixture, file: "average.safetensors", survivors: [1, 2, 3, 4], errorBound: bound)
    }
}
