import FedCore
import Foundation
import SecureAgg
import Sodium
import Testing

/// Docs/wire.md § 5: the two registry hashes of one registry.json, from the vector written by
/// Scripts/generate-wire-vectors.py (an independent Python implementation of the document). The file lives with
/// the other wire vectors in Tests/SecureAggTests/Resources/Vectors and is read from the source tree.
@Suite("Wire vectors (registry hashes)")
struct WireVectorTests {
    struct Vector: Decodable {
        let registry_json: String
        let registry_file_hash: String
        let secureagg_registry_hash: String
        let active_ids: [UInt32]
    }

    static func load() throws -> Vector {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../SecureAggTests/Resources/Vectors/registry_hashes.json").standardized
        return try JSONDecoder().decode(Vector.self, from: Data(contentsOf: url))
    }

    @Test("H_file covers every listed client (revoked too); H_round only the active ones")
    func registryHashes() throws {
        let v = try Self.load()
        let registry = try Registry.decode(Data(v.registry_json.utf8))
        #expect(registry.registryHash == v.registry_file_hash)
        #expect(registry.activeClientIds == v.active_ids)
        var active = [UInt32: Ed25519.PublicKey]()
        for client in registry.activeClients { active[client.id] = client.signPublicKey }
        #expect(Hex.encode(RoundConfiguration.registryHash(of: active)) == v.secureagg_registry_hash)
        // Re-encoding (sorted, lower-case, pretty) keeps H_file.
        #expect(try Registry.decode(registry.encoded()).registryHash == v.registry_file_hash)
    }
}
