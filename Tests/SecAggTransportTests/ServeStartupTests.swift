import FedCore
import Foundation
import Testing

/// Issue 16.3: `serve` on a port another process listens on says so in one sentence, exits non-zero, and
/// leaves no audit log, ledger or port file behind (its outputs are created only once it listens), so the same
/// command works once the port is free.
@Suite(.serialized)
struct ServeStartupTests {
    @Test func aBusyPortIsReportedPlainlyAndLeavesNoFiles() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        let group = ProcessGroup()
        defer { group.killAll() }
        // The first server holds the port (it waits for clients that never come).
        let (_, port) = try fixture.startServer(["--rounds", "1", "--no-dp"], clients: 2, group: group)
        let second = group.add(
            try ToolProcess(
                [
                    "serve", "--listen", "127.0.0.1:\(port)", "--clients", "2", "--rounds", "1", "--no-dp",
                    "--registry", "keys/registry.json", "--identity", "keys/server.key", "--model", "model.safetensors",
                    "--audit-log", "audit.sqlite", "--ledger", "run.ledger", "--port-file", "second.port", "--json",
                ], name: "second", in: fixture.directory))
        let code = second.wait(seconds: 60)
        #expect(code != nil && code != 0, "\(second.stderr)")
        #expect(
            second.stderr.contains("address already in use: another process listens on 127.0.0.1:\(port)"),
            "\(second.stderr)")
        #expect(second.stderr.contains("--listen"), "the sentence must say what to do: \(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "one line, no transport dump: \(second.stderr)")
        #expect(!second.stderr.contains("serverIsStopped"), "\(second.stderr)")
        for file in ["audit.sqlite", "run.ledger", "second.port"] {
            #expect(
                !FileManager.default.fileExists(atPath: fixture.path(file)), "\(file) was left behind by a failed start")
        }
        let json = try second.json()
        #expect((json["error"] as? String)?.contains("address already in use") == true, "\(second.stdout)")
        #expect(json["exit_code"] as? Int == Int(code ?? 0))
    }

    @Test func anExistingAuditLogIsRefusedBeforeListening() throws {
        let fixture = try LoopbackFixture(clients: 2)
        defer { fixture.remove() }
        try Data("not a log".utf8).write(to: fixture.directory.appendingPathComponent("audit.sqlite"))
        let server = try ToolProcess(
            [
                "serve", "--listen", "127.0.0.1:0", "--clients", "2", "--registry", "keys/registry.json",
                "--identity", "keys/server.key", "--model", "model.safetensors", "--audit-log", "audit.sqlite",
                "--ledger", "run.ledger", "--port-file", "server.port",
            ], name: "server", in: fixture.directory)
        defer { server.kill() }
        #expect(server.wait(seconds: 60) == 2, "\(server.stderr)")
        #expect(server.stderr.contains("audit.sqlite: the audit log already exists"), "\(server.stderr)")
        #expect(!server.stderr.contains("listening on"), "\(server.stderr)")
        for file in ["run.ledger", "server.port"] {
            #expect(!FileManager.default.fileExists(atPath: fixture.path(file)), "\(file) was left behind")
        }
        // The file that was there is untouched.
        #expect(try String(contentsOf: fixture.directory.appendingPathComponent("audit.sqlite"), encoding: .utf8) == "not a log")
    }
}

/// Issue 16.7: an update made for another model is a local mistake, said as such (exit 2), not a "malformed
/// message".
@Suite(.serialized)
struct ClientLayoutMismatchTests {
    @Test func anUpdateOfAnotherModelIsRefusedNamingTheFix() throws {
        let fixture = try LoopbackFixture(clients: 3)
        defer { fixture.remove() }
        // Updates for the embedded default model: another layout than the fixture's tiny model.
        try fixture.runToCompletion(["make-updates", "--out", "other-updates", "--clients", "2"], name: "make-updates")
        let group = ProcessGroup()
        defer { group.killAll() }
        let (server, port) = try fixture.startServer(
            ["--rounds", "1", "--no-dp", "--dropout", "0"], clients: 3, joinTimeout: 20, group: group)
        let honest = try [1, 3].map { try fixture.startClient($0, port: port, group: group) }
        let wrong = group.add(
            try ToolProcess(
                [
                    "client", "--server", "127.0.0.1:\(port)", "--identity", fixture.keyFile(2), "--registry",
                    "keys/registry.json", "--update", "other-updates/" + SyntheticUpdates.fileName(client: 2),
                    "--allow-no-dp", "--timeout", "60",
                ], name: "wrong-layout", in: fixture.directory))
        #expect(wrong.wait(seconds: 60) == 2, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("--update does not have the layout of the server's model"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("serve --model"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("malformed message"), "\(wrong.stderr)")
        server.kill()
        for c in honest { c.kill() }
    }
}
