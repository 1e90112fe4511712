import Foundation
import Testing

@Suite struct KeygenCommandTests {
    /// Cheap Argon2id options for tests (real runs keep the 64 MiB / 2-pass default).
    static let cheapArgon2 = ["--argon2-memory-mib", "1", "--argon2-passes", "1"]

    static func jsonObject(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any], "\(url.path) is not a JSON object")
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return try #require((attributes[.posixPermissions] as? NSNumber)?.intValue)
    }

    static func isLowerHex(_ text: String, count: Int) -> Bool {
        text.count == count && text.allSatisfy { "0123456789abcdef".contains($0) }
    }

    @Test func keygenWritesKeysAndARegistryThatMatchesThem() throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let dir = tmp.appendingPathComponent("nested/keys")
        let r = try CLIRunner.run(["keygen", "--out", dir.path, "--clients", "3", "--json"])
        #expect(r.exitCode == 0, "stderr: \(r.stderr)")
        let out = try r.json()
        #expect(out["clients"] as? Int == 3)
        #expect(out["encrypted"] as? Bool == false)
        let registryPath = try #require(out["registry"] as? String)
        #expect(URL(fileURLWithPath: registryPath).standardizedFileURL
            == dir.appendingPathComponent("registry.json").standardizedFileURL)
        #expect(out["server_key"] as? String == dir.appendingPathComponent("server.key").path)

        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["client-0001.key", "client-0002.key", "client-0003.key", "registry.json", "server.key"])

        // Key files: mode 0600, id/role/format recorded, public key matches the registry.
        let registry = try Self.jsonObject(URL(fileURLWithPath: registryPath))
        #expect(registry["version"] as? Int == 1)
        let server = try #require(registry["server"] as? [String: Any])
        #expect(server["id"] as? Int == 0)
        let clients = try #require(registry["clients"] as? [[String: Any]])
        #expect(clients.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(clients.allSatisfy { $0["revoked"] as? Bool == false })

        var seen = Set<String>()
        let expectations: [(String, Int, [String: Any])] =
            [("server.key", 0, server)]
            + clients.enumerated().map { ("client-000\($0.offset + 1).key", $0.offset + 1, $0.element) }
        for (name, id, entry) in expectations {
            let url = dir.appendingPathComponent(name)
            #expect(try Self.mode(url) == 0o600, "\(name)")
            let file = try Self.jsonObject(url)
            #expect(file["format"] as? String == "secagg-identity-key")
            #expect(file["version"] as? Int == 1)
            #expect(file["id"] as? Int == id)
            #expect(file["role"] as? String == (id == 0 ? "server" : "client"))
            let publicKey = try #require(file["sign_public_key"] as? String)
            #expect(Self.isLowerHex(publicKey, count: 64))
            #expect(entry["sign_public_key"] as? String == publicKey)
            let secret = try #require(file["secret"] as? [String: Any])
            #expect(secret["encoding"] as? String == "plain")
            seen.insert(publicKey)
        }
        #expect(seen.count == 4)
        // The key directory is created owner-only.
        #expect(try Self.mode(dir) == 0o700)
    }

    @Test func humanOutputListsWhatWasWritten() throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try CLIRunner.run(["keygen", "--out", "k", "--clients", "2"], in: tmp)
        #expect(r.exitCode == 0, "stderr: \(r.stderr)")
        for name in ["server.key", "client-0001.key", "client-0002.key", "registry.json"] {
            #expect(r.stdout.contains(name))
            #expect(FileManager.default.fileExists(atPath: tmp.appendingPathComponent("k/\(name)").path))
        }
    }

    @Test func existingFilesAreNotOverwrittenWithoutForce() throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let first = try CLIRunner.run(["keygen", "--out", tmp.path, "--clients", "2"])
        #expect(first.exitCode == 0)
        let serverURL = tmp.appendingPathComponent("server.key")
        let before = try Data(contentsOf: serverURL)

        let refused = try CLIRunner.run(["keygen", "--out", tmp.path, "--clients", "2"])
        #expect(refused.exitCode == 2)
        #expect(refused.stderr.contains("server.key"))
        #expect(refused.stdout.isEmpty)
        #expect(try Data(contentsOf: serverURL) == before)

        let forced = try CLIRunner.run(["keygen", "--out", tmp.path, "--clients", "2", "--force", "--json"])
        #expect(forced.exitCode == 0, "stderr: \(forced.stderr)")
        #expect(try Data(contentsOf: serverURL) != before)
        #expect(try Self.mode(serverURL) == 0o600)
        let registry = try Self.jsonObject(tmp.appendingPathComponent("registry.json"))
        let server = try #require(registry["server"] as? [String: Any])
        #expect(server["sign_public_key"] as? String == (try Self.jsonObject(serverURL))["sign_public_key"] as? String)
    }

    @Test func anyClashingTargetStopsKeygenBeforeItWritesAnything() throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let clash = tmp.appendingPathComponent("client-0003.key")
        try Data("keep me".utf8).write(to: clash)
        let r = try CLIRunner.run(["keygen", "--out", tmp.path, "--clients", "4"])
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("client-0003.key"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == ["client-0003.key"])
        #expect(try Data(contentsOf: clash) == Data("keep me".utf8))
    }

    @Test func passphraseEnvEncryptsEveryKeyFile() throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let passphrase = "keygen test passphrase"
        let r = try CLIRunner.run(
            ["keygen", "--out", tmp.path, "--clients", "2", "--passphrase-env", "SECAGG_KEYGEN_PASS", "--json"]
                + Self.cheapArgon2,
            environment: ["SECAGG_KEYGEN_PASS": passphrase])
        #expect(r.exitCode == 0, "stderr: \(r.stderr)")
        #expect(try r.json()["encrypted"] as? Bool == true)
        #expect(!r.stdout.contains(passphrase) && !r.stderr.contains(passphrase))
        for name in ["server.key", "client-0001.key", "client-0002.key"] {
            let url = tmp.appendingPathComponent(name)
            #expect(try Self.mode(url) == 0o600)
            let secret = try #require(try Self.jsonObject(url)["secret"] as? [String: Any])
            #expect(secret["encoding"] as? String == "argon2id-xchacha20poly1305")
            #expect(secret["seed"] == nil)
            #expect(secret["opslimit"] as? Int == 1)
            #expect(secret["memlimit"] as? Int == 1 << 20)
            #expect(Self.isLowerHex(try #require(secret["salt"] as? String), count: 32))
            #expect(Self.isLowerHex(try #require(secret["ciphertext"] as? String), count: 144))
        }
    }

    @Test(arguments: [["SECAGG_KEYGEN_OTHER": "x"], ["SECAGG_KEYGEN_PASS2": ""]])
    func missingOrEmptyPassphraseVariableIsBadInput(environment: [String: String]) throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try CLIRunner.run(
            ["keygen", "--out", tmp.path, "--clients", "1", "--passphrase-env", "SECAGG_KEYGEN_PASS2"],
            environment: environment)
        #expect(r.exitCode == 2)
        #expect(r.stderr.contains("SECAGG_KEYGEN_PASS2"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test(arguments: [
        ["--clients", "0"], ["--clients", "100001"], ["--clients", "-3"], ["--clients", "2", "--argon2-passes", "2"],
        ["--clients", "2", "--passphrase-env", "P", "--argon2-memory-mib", "2048"],
        ["--clients", "2", "--passphrase-env", "P", "--argon2-passes", "11"],
    ])
    func outOfRangeArgumentsAreBadUsage(arguments: [String]) throws {
        let tmp = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let r = try CLIRunner.run(["keygen", "--out", tmp.path] + arguments, environment: ["P": "pass"])
        #expect(r.exitCode == 2)
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func helpTeachesWithAnExample() throws {
        let r = try CLIRunner.run(["keygen", "--help"])
        #expect(r.exitCode == 0)
        #expect(r.stdout.contains("Example"))
        #expect(r.stdout.contains("--passphrase-env"))
        #expect(r.stdout.contains("client-0001.key"))
    }
}
