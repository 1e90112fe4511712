import Foundation
import Testing

/// Issue 15, finding 2: `client` without --tls-ca refuses a non-loopback server unless --insecure is given,
/// before reading its files or opening a socket (10.255.255.1 is never contacted: the check comes first).
@Suite struct ClientPlaintextTests {
    @Test func plaintextToANonLoopbackServerIsRefusedBeforeConnecting() throws {
        let started = Date()
        let r = try CLIRunner.run([
            "client", "--server", "10.255.255.1:1", "--identity", "missing.key", "--registry", "missing.json",
            "--update", "missing.safetensors",
        ])
        #expect(r.exitCode == 2, "\(r.stderr)")
        #expect(r.stderr.contains("refusing to connect to 10.255.255.1:1 without TLS"), "\(r.stderr)")
        #expect(r.stderr.contains("--insecure") && r.stderr.contains("--tls-ca"))
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func insecureGoesOnToTheNextCheck() throws {
        // With --insecure the plaintext check passes and the client stops at its (missing) registry instead,
        // still before any connection.
        let r = try CLIRunner.run([
            "client", "--server", "10.255.255.1:1", "--insecure", "--identity", "missing.key", "--registry",
            "missing-registry.json", "--update", "missing.safetensors",
        ])
        #expect(r.exitCode == 2, "\(r.stderr)")
        #expect(!r.stderr.contains("without TLS"), "\(r.stderr)")
        #expect(r.stderr.contains("missing-registry.json"), "\(r.stderr)")
    }
}
