import Foundation
import Sodium

/// The fields every key file binds into its AEAD additional data.
struct KeyFileHeader {
    let id: UInt32
    let role: IdentityKeyFile.Role
    let publicKey: Ed25519.PublicKey

    /// `"secagg-identity-key" ‖ 0x00 ‖ version(u32 BE) ‖ id(u32 BE) ‖ role(u8: 0 server, 1 client)
    ///  ‖ public key(32)`.
    var additionalData: [UInt8] {
        var out = Array(IdentityKeyFile.formatName.utf8)
        out.append(0)
        appendBigEndian(UInt32(IdentityKeyFile.formatVersion), to: &out)
        appendBigEndian(id, to: &out)
        out.append(role == .server ? 0 : 1)
        out += publicKey.bytes
        return out
    }
}

/// The `secret` object of a key file.
enum KeyFileSecret {
    static let plainEncoding = "plain"
    static let encryptedEncoding = "argon2id-xchacha20poly1305"
    /// Bytes of the `ciphertext` field: nonce ‖ sealed seed ‖ tag.
    static let sealedByteCount = Ed25519.seedByteCount + XChaCha20Poly1305.overheadByteCount

    case plain(SecureBytes)
    case encrypted(salt: [UInt8], parameters: Argon2id.Parameters, ciphertext: [UInt8])
}

/// Renders key files by hand into one byte buffer (instead of `JSONEncoder`) so that the plain seed's hex exists
/// only in a buffer the caller wipes, never in an unwipeable `String`.
enum KeyFileJSON {
    static func render(header: KeyFileHeader, secret: KeyFileSecret) -> [UInt8] {
        var out = [UInt8]()
        // Large enough that appends never reallocate (a reallocation would leave an unwiped copy behind).
        out.reserveCapacity(1024)
        func text(_ s: String) { out.append(contentsOf: Array(s.utf8)) }
        text("{\n")
        text("  \"format\": \"\(IdentityKeyFile.formatName)\",\n")
        text("  \"version\": \(IdentityKeyFile.formatVersion),\n")
        text("  \"id\": \(header.id),\n")
        text("  \"role\": \"\(header.role.rawValue)\",\n")
        text("  \"sign_public_key\": \"\(header.publicKey.hex)\",\n")
        text("  \"secret\": {\n")
        switch secret {
        case let .plain(seed):
            text("    \"encoding\": \"\(KeyFileSecret.plainEncoding)\",\n")
            text("    \"seed\": \"")
            seed.withUnsafeBytes { appendHex($0, to: &out) }
            text("\"\n")
        case let .encrypted(salt, parameters, ciphertext):
            text("    \"encoding\": \"\(KeyFileSecret.encryptedEncoding)\",\n")
            text("    \"salt\": \"\(Hex.encode(salt))\",\n")
            text("    \"opslimit\": \(parameters.opsLimit),\n")
            text("    \"memlimit\": \(parameters.memLimitBytes),\n")
            text("    \"ciphertext\": \"\(Hex.encode(ciphertext))\"\n")
        }
        text("  }\n")
        text("}\n")
        return out
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func appendHex(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
    }
}

/// The first two fields, decoded leniently so unknown formats and versions get their own error.
struct KeyFileHeaderDocument: Decodable {
    let format: String?
    let version: Int?
}

/// A version-1 key file as parsed from JSON, before validation.
struct KeyFileDocument: Decodable {
    struct Secret: Decodable {
        let encoding: String
        let seed: String?
        let salt: String?
        let opslimit: UInt64?
        let memlimit: UInt64?
        let ciphertext: String?
    }

    let format: String
    let version: Int
    let id: UInt32
    let role: String
    let signPublicKey: String
    let secret: Secret

    enum CodingKeys: String, CodingKey {
        case format, version, id, role, secret
        case signPublicKey = "sign_public_key"
    }
}

func appendBigEndian(_ value: UInt32, to out: inout [UInt8]) {
    out.append(UInt8(truncatingIfNeeded: value >> 24))
    out.append(UInt8(truncatingIfNeeded: value >> 16))
    out.append(UInt8(truncatingIfNeeded: value >> 8))
    out.append(UInt8(truncatingIfNeeded: value))
}

/// A one-line, secret-free description of a JSON decoding failure (never the offending value).
func describeDecodingFailure(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "not valid JSON" }
    func pathText(_ path: [any CodingKey]) -> String {
        if path.isEmpty { return "(top level)" }
        return path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case let .keyNotFound(key, context):
        return "missing field \(pathText(context.codingPath + [key]))"
    case let .typeMismatch(_, context):
        return "field \(pathText(context.codingPath)) has the wrong type"
    case let .valueNotFound(_, context):
        return "field \(pathText(context.codingPath)) is null"
    case let .dataCorrupted(context):
        return context.codingPath.isEmpty ? "not valid JSON" : "field \(pathText(context.codingPath)) is invalid"
    @unknown default:
        return "not valid JSON"
    }
}
