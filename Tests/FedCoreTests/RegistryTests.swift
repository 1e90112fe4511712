import FedCore
import Foundation
import Sodium
import Testing

@Suite struct RegistryTests {
    static func key(_ byte: UInt8) -> Ed25519.PublicKey {
        // A valid public key derived from a fixed seed (tests only).
        (try? fixedKey(byte).publicKey) ?? Ed25519.SecretKey.generate().publicKey
    }

    static func sample(revoked: Set<UInt32> = []) throws -> Registry {
        try Registry(
            serverPublicKey: key(100),
            clients: (1...3).map {
                Registry.Client(id: $0, signPublicKey: key(UInt8($0)), revoked: revoked.contains($0))
            })
    }

    /// registry.json text with the given server and client entries (raw JSON fragments).
    static func json(version: Int = 1, serverId: Int = 0, serverKey: String? = nil, clients: [String]) -> Data {
        let server = serverKey ?? key(100).hex
        return Data(
            """
            {"version": \(version), "server": {"id": \(serverId), "sign_public_key": "\(server)"},
             "clients": [\(clients.joined(separator: ","))]}
            """.utf8)
    }

    static func client(_ id: Int, _ keyHex: String? = nil, revoked: Bool? = nil) -> String {
        let revokedField = revoked.map { ", \"revoked\": \($0)" } ?? ""
        return "{\"id\": \(id), \"sign_public_key\": \"\(keyHex ?? key(UInt8(clamping: id)).hex)\"\(revokedField)}"
    }

    @Test func writtenRegistryLoadsBackAndHasTheContractShape() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let registry = try Self.sample(revoked: [2])
        let url = dir.file("registry.json")
        try registry.write(to: url, force: false)
        #expect(try Registry.load(from: url) == registry)
        #expect(try fileMode(url) == 0o644)
        #expect(throws: FedCoreError.RegistryFile.fileExists(path: url.path)) { try registry.write(to: url, force: false) }

        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let server = try #require(object["server"] as? [String: Any])
        #expect(server["id"] as? Int == 0)
        #expect(server["sign_public_key"] as? String == Self.key(100).hex)
        let clients = try #require(object["clients"] as? [[String: Any]])
        #expect(clients.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(clients.map { $0["revoked"] as? Bool } == [false, true, false])
        for entry in clients {
            let hex = try #require(entry["sign_public_key"] as? String)
            #expect(hex == hex.lowercased() && hex.count == 64)
        }
    }

    @Test func revokedClientsAreListedButNotActive() throws {
        let registry = try Self.sample(revoked: [2])
        #expect(registry.activeClientIds == [1, 3])
        #expect(registry.activeClients.map(\.signPublicKey) == [Self.key(1), Self.key(3)])
        #expect(registry.isRevoked(2) && !registry.isRevoked(1) && !registry.isRevoked(99))
        #expect(registry.publicKey(for: 2) == nil)
        #expect(registry.client(id: 2)?.signPublicKey == Self.key(2))
        #expect(registry.publicKey(for: 0) == Self.key(100))
        #expect(registry.publicKey(for: 3) == Self.key(3))
        #expect(registry.publicKey(for: 4) == nil)
        let more = try registry.revoking(3)
        #expect(more.activeClientIds == [1])
        #expect(throws: FedCoreError.RegistryFile.unknownClient(id: 9)) { try registry.revoking(9) }
    }

    @Test func registryPinsOnlyTheRegisteredActiveKeyOfAKeyFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanup() }
        let registry = try Self.sample(revoked: [2])
        func identity(_ seedByte: UInt8, id: UInt32, role: IdentityKeyFile.Role) throws -> IdentityKeyFile {
            let url = dir.file("\(seedByte)-\(id).key")
            return try IdentityKeyFile.write(
                secretKey: try fixedKey(seedByte), id: id, role: role, to: url, passphrase: nil, force: false)
        }
        #expect(registry.pins(try identity(100, id: 0, role: .server)))
        #expect(registry.pins(try identity(1, id: 1, role: .client)))
        #expect(!registry.pins(try identity(1, id: 3, role: .client)))  // right key, wrong id
        #expect(!registry.pins(try identity(9, id: 1, role: .client)))  // unregistered key
        #expect(!registry.pins(try identity(2, id: 2, role: .client)))  // revoked
    }

    @Test func revokedDefaultsToFalseAndClientOrderIsNormalised() throws {
        let data = Self.json(clients: [Self.client(3), Self.client(1, revoked: true), Self.client(2)])
        let registry = try Registry.decode(data)
        #expect(registry.clients.map(\.id) == [1, 2, 3])
        #expect(registry.clients.map(\.revoked) == [true, false, false])
    }

    enum Invalid: String, CaseIterable, Sendable {
        case futureVersion, serverIdNotZero, clientIdZero, duplicateId, shortKey, nonHexKey, badServerKey, noClients,
            sharedKey, clientSharesServerKey, missingServer, negativeId, notJSON
    }

    @Test(arguments: Invalid.allCases)
    func invalidRegistriesAreRefusedNamingTheProblem(_ invalid: Invalid) throws {
        let s = "test"
        let k1 = Self.key(1).hex
        let (data, expected): (Data, FedCoreError.RegistryFile) = switch invalid {
        case .futureVersion:
            (Self.json(version: 2, clients: [Self.client(1)]), .unsupportedVersion(source: s, version: 2))
        case .serverIdNotZero: (Self.json(serverId: 5, clients: [Self.client(1)]), .serverIdNotZero(source: s, id: 5))
        case .clientIdZero: (Self.json(clients: [Self.client(0)]), .invalidClientId(source: s, id: 0))
        case .duplicateId:
            (Self.json(clients: [Self.client(1), Self.client(2), Self.client(1, Self.key(9).hex)]),
             .duplicateClientId(source: s, id: 1))
        case .shortKey:
            (Self.json(clients: [Self.client(4, String(k1.dropLast(2)))]),
             .invalidPublicKey(source: s, id: 4, reason: "expected 64 hex digits"))
        case .nonHexKey:
            (Self.json(clients: [Self.client(4, "g" + k1.dropFirst())]),
             .invalidPublicKey(source: s, id: 4, reason: "not hexadecimal"))
        case .badServerKey:
            (Self.json(serverKey: "abcd", clients: [Self.client(1)]),
             .invalidPublicKey(source: s, id: 0, reason: "expected 64 hex digits"))
        case .noClients: (Self.json(clients: []), .noClients(source: s))
        case .sharedKey:
            (Self.json(clients: [Self.client(1, k1), Self.client(2, k1)]),
             .duplicatePublicKey(source: s, firstId: 1, secondId: 2))
        case .clientSharesServerKey:
            (Self.json(clients: [Self.client(7, Self.key(100).hex)]),
             .duplicatePublicKey(source: s, firstId: 0, secondId: 7))
        case .missingServer:
            (Data("{\"version\": 1, \"clients\": []}".utf8), .malformed(source: s, reason: "missing field server"))
        case .negativeId:
            (Self.json(clients: [Self.client(-1)]), .malformed(source: s, reason: "field clients.0.id is invalid"))
        case .notJSON: (Data("{\"version\": 1,".utf8), .malformed(source: s, reason: "not valid JSON"))
        }
        if invalid == .negativeId {
            // Foundation's wording for an out-of-range number differs by platform: only the case is pinned.
            let error = #expect(throws: FedCoreError.RegistryFile.self) { try Registry.decode(data, source: s) }
            guard case .malformed(source: s, reason: _) = error else {
                Issue.record("expected .malformed, got \(String(describing: error))")
                return
            }
            return
        }
        #expect(throws: expected) { try Registry.decode(data, source: s) }
    }

    @Test func upperCaseHexIsAcceptedAndWrittenBackLowerCase() throws {
        let upper = Self.json(serverKey: Self.key(100).hex.uppercased(), clients: [Self.client(1)])
        let registry = try Registry.decode(upper)
        #expect(registry == (try Registry.decode(Self.json(clients: [Self.client(1)]))))
        #expect(!String(decoding: registry.encoded(), as: UTF8.self).contains(Self.key(100).hex.uppercased()))
    }

    @Test func hashIsBlake2bOfTheCanonicalEncoding() throws {
        let registry = try Self.sample(revoked: [2])
        let encoding = registry.canonicalEncoding
        let prefix = Array("secagg-registry-hash".utf8) + [0]
        #expect(Array(encoding.prefix(prefix.count)) == prefix)
        #expect(encoding.count == prefix.count + 4 + 4 + 32 + 4 + 3 * (4 + 32 + 1))
        // Client 2 entry: id 2 big-endian, its key, revoked flag 1.
        let offset = prefix.count + 44 + 37
        #expect(Array(encoding[offset..<offset + 4]) == [0, 0, 0, 2])
        #expect(Array(encoding[offset + 4..<offset + 36]) == Self.key(2).bytes)
        #expect(encoding[offset + 36] == 1)
        #expect(registry.registryHashBytes == Blake2b.hash(encoding, outputByteCount: 32))
        #expect(registry.registryHash == Hex.encode(registry.registryHashBytes))
        #expect(registry.registryHash.count == 64)
    }

    @Test func hashIgnoresFileOrderAndWhitespaceButSeesEveryField() throws {
        let base = try Self.sample()
        let reordered = try Registry.decode(Self.json(clients: [Self.client(3), Self.client(1), Self.client(2)]))
        #expect(reordered.registryHash == base.registryHash)
        #expect(try Registry.decode(base.encoded()).registryHash == base.registryHash)

        var variants: [Registry] = [
            try Self.sample(revoked: [1]),
            try Registry(serverPublicKey: Self.key(101), clients: base.clients),
            try Registry(
                serverPublicKey: Self.key(100),
                clients: [base.clients[0], base.clients[1], Registry.Client(id: 3, signPublicKey: Self.key(33))]),
            try Registry(
                serverPublicKey: Self.key(100),
                clients: [base.clients[0], base.clients[1], Registry.Client(id: 4, signPublicKey: Self.key(3))]),
            try Registry(serverPublicKey: Self.key(100), clients: Array(base.clients.prefix(2))),
        ]
        variants.append(base)
        #expect(Set(variants.map(\.registryHash)).count == variants.count)
    }
}
