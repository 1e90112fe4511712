import FedCore
import Foundation
import Sodium

/// Cheap Argon2id cost for tests only (1 pass, 64 KiB): real files use `.interactive` or stronger.
let cheapArgon2 = Argon2id.Parameters(opsLimit: 1, memLimitBytes: 64 << 10)

/// A fresh temporary directory; removed by `cleanup()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("secagg-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// A deterministic signing key from a one-byte pattern (tests only).
func fixedKey(_ byte: UInt8) throws -> Ed25519.SecretKey {
    try Ed25519.SecretKey(seed: SecureBytes(copying: [UInt8](repeating: byte, count: 32)))
}

func seedHex(_ key: Ed25519.SecretKey) -> String { key.seed.withUnsafeBytes { Hex.encode($0) } }

func fileMode(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Rewrites `url` with `transform` applied to its text, keeping mode 0600.
func edit(_ url: URL, _ transform: (String) -> String) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    try Data(transform(text).utf8).write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
}

/// The string value of a top-level or `secret.` field in a key file.
func jsonString(_ field: String, in url: URL) throws -> String? {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
    if let value = object?[field] as? String { return value }
    return (object?["secret"] as? [String: Any])?[field] as? String
}

/// `text` with the hex digit at `offset` of `value` changed.
func flipHexDigit(in text: String, of value: String, at offset: Int) -> String {
    var digits = Array(value)
    digits[offset] = digits[offset] == "0" ? "1" : "0"
    return text.replacingOccurrences(of: value, with: String(digits))
}
