import ArgumentParser
import FedCore
import Foundation
import Sodium

/// `secagg-tool keygen`: one Ed25519 identity key file per participant plus the public `registry.json`.
struct Keygen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate identity key files for the server and N clients, and registry.json.",
        discussion: """
            Writes DIR/server.key (id 0), DIR/client-0001.key … (ids 1…N, zero-padded to at least four digits) \
            and DIR/registry.json (all public keys, pinned by id). DIR is created (mode 0700) if missing. Key \
            files are written atomically with mode 0600; readers refuse key files that group or others can access.

            With --passphrase-env VAR the secret in every key file is encrypted with XChaCha20-Poly1305 under an \
            Argon2id key derived from the passphrase in environment variable VAR (never pass a passphrase on the \
            command line). The default cost is libsodium's "interactive" preset (64 MiB, 2 passes) per key \
            file, so that keygen for many clients stays practical; raise it with --argon2-memory-mib and \
            --argon2-passes (at most 1024 MiB and 10 passes, the limits every reader enforces).

            Nothing is overwritten without --force: all target files are checked before anything is written.

            Example:
              export KEY_PASS='correct horse battery staple'
              secagg-tool keygen --out keys --clients 8 --passphrase-env KEY_PASS
              secagg-tool keygen --out keys --clients 8 --force --json  # plain, replaces
            """
    )

    /// Largest `--clients`, as in the registry.
    static let maxClients = Registry.maxClientCount

    @Option(
        name: .long, help: ArgumentHelp("Directory to write the key files and registry.json into.", valueName: "DIR"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("Number of clients (1…100000); ids 1…N.", valueName: "N"))
    var clients: Int

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Encrypt key files with the passphrase held in this environment variable.", valueName: "VAR"))
    var passphraseEnv: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Argon2id memory per key file in MiB (1…1024; default 64).", valueName: "MIB"))
    var argon2MemoryMib: Int?

    @Option(name: .long, help: ArgumentHelp("Argon2id passes (1…10; default 2).", valueName: "P"))
    var argon2Passes: Int?

    @Flag(name: .long, help: "Overwrite existing key files and registry.json.")
    var force = false

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard (1...Self.maxClients).contains(clients) else {
            throw ValidationError("--clients must be between 1 and \(Self.maxClients), got \(clients)")
        }
        let maxMib = Int(Argon2id.Parameters.maxMemLimitBytes >> 20)
        if let argon2MemoryMib, !(1...maxMib).contains(argon2MemoryMib) {
            throw ValidationError("--argon2-memory-mib must be between 1 and \(maxMib), got \(argon2MemoryMib)")
        }
        let maxPasses = Int(Argon2id.Parameters.maxOpsLimit)
        if let argon2Passes, !(1...maxPasses).contains(argon2Passes) {
            throw ValidationError("--argon2-passes must be between 1 and \(maxPasses), got \(argon2Passes)")
        }
        if passphraseEnv == nil, argon2MemoryMib != nil || argon2Passes != nil {
            throw ValidationError("--argon2-memory-mib and --argon2-passes need --passphrase-env")
        }
        if out.isEmpty { throw ValidationError("--out must name a directory") }
    }

    /// The Argon2id cost for encrypted key files: `.interactive` unless overridden.
    var argon2Parameters: Argon2id.Parameters {
        var parameters = Argon2id.Parameters.interactive
        if let argon2MemoryMib { parameters.memLimitBytes = UInt64(argon2MemoryMib) << 20 }
        if let argon2Passes { parameters.opsLimit = UInt64(argon2Passes) }
        return parameters
    }

    /// File name of client `id`: `client-0001.key`, zero-padded to at least four digits.
    static func clientFileName(_ id: UInt32) -> String {
        let digits = String(id)
        return "client-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".key"
    }

    func run() async throws {
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let passphrase: SecureBytes?
        if let passphraseEnv {
            do {
                passphrase = try Passphrase.fromEnvironment(passphraseEnv)
            } catch {
                throw ToolFailure.badInput(error.description)
            }
        } else {
            passphrase = nil
        }

        let serverURL = directory.appendingPathComponent("server.key")
        let clientURLs = (1...UInt32(clients)).map { directory.appendingPathComponent(Self.clientFileName($0)) }
        let registryURL = directory.appendingPathComponent("registry.json")
        try prepare(directory: directory, targets: [serverURL] + clientURLs + [registryURL])

        let parameters = argon2Parameters
        if passphrase != nil {
            printError(
                "encrypting \(clients + 1) key files with Argon2id (memory \(parameters.memLimitBytes >> 20) MiB, "
                    + "passes \(parameters.opsLimit) per file)")
        }
        let server = try writeKey(id: 0, role: .server, to: serverURL, passphrase: passphrase, parameters: parameters)
        var entries: [Registry.Client] = []
        entries.reserveCapacity(clients)
        for (index, url) in clientURLs.enumerated() {
            let id = UInt32(index + 1)
            let file = try writeKey(id: id, role: .client, to: url, passphrase: passphrase, parameters: parameters)
            entries.append(Registry.Client(id: id, signPublicKey: file.publicKey))
        }

        let registry: Registry
        do {
            registry = try Registry(serverPublicKey: server.publicKey, clients: entries, source: registryURL.path)
            try registry.write(to: registryURL, force: force)
        } catch {
            throw ToolFailure.badInput(error.description)
        }

        if json {
            try JSONOutput.print(
                Output(
                    clients: clients, registry: registryURL.path, serverKey: serverURL.path,
                    encrypted: passphrase != nil, out: directory.path, registryHash: registry.registryHash,
                    firstClientKey: clientURLs.first?.path ?? "", lastClientKey: clientURLs.last?.path ?? ""))
        } else {
            let mode = passphrase != nil ? "encrypted" : "plain, protected by file mode 0600 only"
            print("wrote \(serverURL.path) (server, id 0, \(mode))")
            if clients == 1 {
                print("wrote \(clientURLs[0].path) (client, id 1, \(mode))")
            } else {
                let range = "\(clientURLs[0].path) … \(clientURLs[clients - 1].path)"
                print("wrote \(range) (\(clients) clients, ids 1…\(clients), \(mode))")
            }
            print("wrote \(registryURL.path) (registry hash \(registry.registryHash))")
        }
    }

    /// Creates `directory` if needed and, without `--force`, refuses when any target already exists — before
    /// anything is written.
    private func prepare(directory: URL, targets: [URL]) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ToolFailure.badInput("--out \(directory.path) is not a directory")
            }
            if !force {
                for target in targets where FileManager.default.fileExists(atPath: target.path) {
                    throw ToolFailure.badInput("\(target.path) already exists; pass --force to overwrite")
                }
            }
        } else {
            do {
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ToolFailure.badInput("cannot create directory \(directory.path): \(FileErrorText.reason(error))")
            }
        }
    }

    private func writeKey(
        id: UInt32, role: IdentityKeyFile.Role, to url: URL, passphrase: SecureBytes?, parameters: Argon2id.Parameters
    ) throws -> IdentityKeyFile {
        do {
            return try IdentityKeyFile.write(
                secretKey: .generate(), id: id, role: role, to: url, passphrase: passphrase, argon2: parameters,
                force: force)
        } catch {
            throw ToolFailure.badInput(error.description)
        }
    }

    /// `--json` output (cli.md: `clients`, `registry` are the contract; the rest are extras).
    struct Output: Encodable {
        let clients: Int
        let registry: String
        let serverKey: String
        let encrypted: Bool
        let out: String
        let registryHash: String
        let firstClientKey: String
        let lastClientKey: String

        enum CodingKeys: String, CodingKey {
            case clients, registry, encrypted, out
            case serverKey = "server_key"
            case registryHash = "registry_hash"
            case firstClientKey = "first_client_key"
            case lastClientKey = "last_client_key"
        }
    }
}
