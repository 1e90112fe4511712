import Foundation
import Sodium

extension Registry {
    private struct Document: Codable {
        struct Server: Codable {
            let id: UInt32
            let signPublicKey: String
            enum CodingKeys: String, CodingKey {
                case id
                case signPublicKey = "sign_public_key"
            }
        }
        struct Client: Codable {
            let id: UInt32
            let signPublicKey: String
            let revoked: Bool?
            enum CodingKeys: String, CodingKey {
                case id, revoked
                case signPublicKey = "sign_public_key"
            }
        }
        let version: Int
        let server: Server
        let clients: [Client]
    }

    private struct VersionOnly: Decodable { let version: Int? }

    /// Decodes and validates a registry (see the type's invariants); `source` names the origin in errors.
    public static func decode(_ data: Data, source: String = "registry") throws(FedCoreError.RegistryFile) -> Registry {
        let decoder = JSONDecoder()
        if let header = try? decoder.decode(VersionOnly.self, from: data), let version = header.version,
            version != currentVersion
        {
            throw .unsupportedVersion(source: source, version: version)
        }
        let document: Document
        do {
            document = try decoder.decode(Document.self, from: data)
        } catch {
            throw .malformed(source: source, reason: describeDecodingFailure(error))
        }
        return try Registry(document, source: source)
    }

    /// Reads and validates `registry.json` at `url` (at most ``maxFileByteCount`` bytes).
    public static func load(from url: URL) throws(FedCoreError.RegistryFile) -> Registry {
        let path = url.path
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path, limit: maxFileByteCount, ownerOnly: false)
        } catch {
            throw .io(path: path, reason: FedCoreError.KeyFile(error).description)
        }
        return try decode(Data(bytes), source: path)
    }

    /// The registry as pretty-printed JSON with sorted keys and lower-case hex (clients sorted by id).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and booleans cannot fail.
        return (try? encoder.encode(document)) ?? Data()
    }

    /// Writes the registry atomically with mode 0644 (it holds public keys only); refuses to replace an existing
    /// file unless `force`.
    public func write(to url: URL, force: Bool) throws(FedCoreError.RegistryFile) {
        let path = url.path
        let data = encoded() + Data("\n".utf8)
        let outcome: Result<Void, FileIOFailure> = data.withUnsafeBytes { raw in
            Result { () throws(FileIOFailure) in try FileIO.writeAtomically(raw, to: path, mode: 0o644, force: force) }
        }
        switch outcome {
        case .success: return
        case .failure(.exists(let path)): throw .fileExists(path: path)
        case .failure(let failure): throw .io(path: path, reason: FedCoreError.KeyFile(failure).description)
        }
    }

    // MARK: Codable (the registry.json shape)

    public init(from decoder: any Decoder) throws {
        try self.init(Document(from: decoder), source: "registry")
    }

    public func encode(to encoder: any Encoder) throws {
        try document.encode(to: encoder)
    }

    private var document: Document {
        Document(
            version: version,
            server: .init(id: Self.serverId, signPublicKey: serverPublicKey.hex),
            clients: clients.map { .init(id: $0.id, signPublicKey: $0.signPublicKey.hex, revoked: $0.revoked) })
    }

    private init(_ document: Document, source: String) throws(FedCoreError.RegistryFile) {
        guard document.version == Self.currentVersion else {
            throw .unsupportedVersion(source: source, version: document.version)
        }
        guard document.server.id == Self.serverId else {
            throw .serverIdNotZero(source: source, id: document.server.id)
        }
        let serverKey = try Self.parseKey(document.server.signPublicKey, id: Self.serverId, source: source)
        var clients: [Client] = []
        clients.reserveCapacity(document.clients.count)
        for entry in document.clients {
            let key = try Self.parseKey(entry.signPublicKey, id: entry.id, source: source)
            clients.append(Client(id: entry.id, signPublicKey: key, revoked: entry.revoked ?? false))
        }
        try self.init(serverPublicKey: serverKey, clients: clients, version: document.version, source: source)
    }

    private static func parseKey(_ hex: String, id: UInt32, source: String) throws(FedCoreError.RegistryFile) -> Ed25519.PublicKey {
        guard hex.utf8.count == 2 * Ed25519.publicKeyByteCount else {
            throw .invalidPublicKey(source: source, id: id, reason: "expected 64 hex digits")
        }
        guard let bytes = Hex.decode(hex), let key = try? Ed25519.PublicKey(bytes: bytes) else {
            throw .invalidPublicKey(source: source, id: id, reason: "not hexadecimal")
        }
        return key
    }
}
