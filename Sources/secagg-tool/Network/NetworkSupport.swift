import FedCore
import Foundation
import SecureAgg
import Sodium

/// Helpers shared by `serve` and `client`: addresses, key files, registries.
enum NetworkSupport {
    /// Splits `HOST:PORT` (port 0–65535; `localhost` means 127.0.0.1).
    static func hostPort(_ text: String, option: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else { throw ToolFailure.badInput("\(option) \(text): expected HOST:PORT") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ToolFailure.badInput("\(option) \(text): empty host") }
        return (host == "localhost" ? "127.0.0.1" : host, port)
    }

    static func loadRegistry(_ path: String) throws -> Registry {
        do { return try Registry.load(from: URL(fileURLWithPath: path)) } catch {
            throw ToolFailure.badInput(error.description)
        }
    }

    static func loadIdentity(_ path: String, passphraseEnv: String?) throws -> (IdentityKeyFile, Ed25519.SecretKey) {
        do {
            let passphrase = try passphraseEnv.map { name throws(FedCoreError.KeyFile) in try Passphrase.fromEnvironment(name) }
            return try IdentityKeyFile.read(from: URL(fileURLWithPath: path), passphrase: passphrase)
        } catch {
            throw ToolFailure.badInput("\(error)")
        }
    }

    /// A duration from a positive number of seconds.
    static func seconds(_ value: Double) -> Duration { .milliseconds(Int64((value * 1000).rounded())) }
}
