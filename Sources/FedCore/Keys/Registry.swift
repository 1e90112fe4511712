import Foundation
import Sodium

/// The public-key registry (`registry.json`): the server's and every client's Ed25519 signing key, pinned by id.
///
/// JSON (version 1; field names are a contract, see Docs/keys.md):
/// ```
/// {"version": 1, "server": {"id": 0, "sign_public_key": "<64 hex>"},
///  "clients": [{"id": 1, "sign_public_key": "<64 hex>", "revoked": false}, …]}
/// ```
/// `revoked` is optional on input (default `false`) and always written.
///
/// Invariants (checked by every initialiser and by decoding): the version is ``currentVersion``; the server is
/// id 0; client ids are ≥ 1 and unique; there are 1…``maxClientCount`` clients; every key is a 32-byte Ed25519
/// public key and no two identities share one. ``clients`` is sorted by id.
public struct Registry: Sendable, Equatable, Codable {
    /// The registry version this build writes and reads.
    public static let currentVersion = 1
    /// Upper bound on listed clients (matches `keygen --clients`).
    public static let maxClientCount = 100_000
    /// Registry files larger than this (bytes) are refused before parsing.
    public static let maxFileByteCount = 64 << 20

    /// One client identity.
    public struct Client: Sendable, Equatable {
        /// The client's id, ≥ 1 (the 1-based ids of `keygen`).
        public let id: UInt32
        /// The client's Ed25519 signing key.
        public let signPublicKey: Ed25519.PublicKey
        /// A revoked client is listed (so its id is never reused) but not active.
        public let revoked: Bool

        public init(id: UInt32, signPublicKey: Ed25519.PublicKey, revoked: Bool = false) {
            self.id = id
            self.signPublicKey = signPublicKey
            self.revoked = revoked
        }
    }

    /// The server's id (always 0).
    public static let serverId: UInt32 = 0

    /// The registry format version (``currentVersion``).
    public let version: Int
    /// The server's Ed25519 signing key (id 0).
    public let serverPublicKey: Ed25519.PublicKey
    /// All clients, revoked or not, sorted by id.
    public let clients: [Client]

    /// Builds and validates a registry. `source` names the origin in errors.
    public init(
        serverPublicKey: Ed25519.PublicKey, clients: [Client], version: Int = Registry.currentVersion,
        source: String = "registry"
    ) throws(FedCoreError.RegistryFile) {
        guard version == Self.currentVersion else { throw .unsupportedVersion(source: source, version: version) }
        guard !clients.isEmpty else { throw .noClients(source: source) }
        guard clients.count <= Self.maxClientCount else { throw .tooManyClients(source: source, count: clients.count) }
        let sorted = clients.sorted { $0.id < $1.id }
        var keyOwner: [Ed25519.PublicKey: UInt32] = [serverPublicKey: Self.serverId]
        var previous: UInt32?
        for client in sorted {
            guard client.id >= 1 else { throw .invalidClientId(source: source, id: client.id) }
            if previous == client.id { throw .duplicateClientId(source: source, id: client.id) }
            previous = client.id
            if let owner = keyOwner[client.signPublicKey] {
                throw .duplicatePublicKey(source: source, firstId: owner, secondId: client.id)
            }
            keyOwner[client.signPublicKey] = client.id
        }
        self.version = version
        self.serverPublicKey = serverPublicKey
        self.clients = sorted
    }

    // MARK: Queries

    /// Clients that are not revoked, sorted by id.
    public var activeClients: [Client] { clients.filter { !$0.revoked } }

    /// Ids of the clients that are not revoked, sorted.
    public var activeClientIds: [UInt32] { activeClients.map(\.id) }

    /// The entry for client `id`, revoked or not; nil when not listed (and for the server id 0).
    public func client(id: UInt32) -> Client? {
        var low = 0
        var high = clients.count
        while low < high {
            let mid = (low + high) / 2
            if clients[mid].id < id { low = mid + 1 } else { high = mid }
        }
        return low < clients.count && clients[low].id == id ? clients[low] : nil
    }

    /// The key to verify signatures of identity `id`: the server's for 0, an active client's otherwise.
    /// Nil for unknown **and for revoked** ids, so a revoked key is never accepted by accident
    /// (use ``client(id:)`` to inspect a revoked entry).
    public func publicKey(for id: UInt32) -> Ed25519.PublicKey? {
        if id == Self.serverId { return serverPublicKey }
        guard let entry = client(id: id), !entry.revoked else { return nil }
        return entry.signPublicKey
    }

    /// True when the registry pins `identity`: its id is the server (0) or an active client, and the registered
    /// key equals the key file's. Use it to check a loaded key file against `--registry` before signing.
    public func pins(_ identity: IdentityKeyFile) -> Bool {
        guard identity.role.accepts(id: identity.id) else { return false }
        return publicKey(for: identity.id) == identity.publicKey
    }

    /// True when client `id` is listed and revoked (false for unknown ids and for the server).
    public func isRevoked(_ id: UInt32) -> Bool { client(id: id)?.revoked ?? false }

    /// A copy with client `id` marked revoked. The registry hash changes.
    public func revoking(_ id: UInt32) throws(FedCoreError.RegistryFile) -> Registry {
        guard client(id: id) != nil else { throw .unknownClient(id: id) }
        let updated = clients.map {
            $0.id == id ? Client(id: $0.id, signPublicKey: $0.signPublicKey, revoked: true) : $0
        }
        return try Registry(serverPublicKey: serverPublicKey, clients: updated, version: version)
    }
}
