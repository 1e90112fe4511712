import Foundation
import SecAggTransport
import Sodium
import Testing

/// Docs/wire.md § 4: the authentication transcripts and signatures, from the vector written by
/// Scripts/generate-wire-vectors.py (an independent Python implementation of the document). The file lives with
/// the other wire vectors in Tests/SecureAggTests/Resources/Vectors and is read from the source tree.
@Suite("Wire vectors (session authentication)")
struct WireVectorTests {
    struct Vector: Decodable {
        struct Auth: Decodable {
            let client: UInt32
            let client_seed: String
            let client_nonce: String
            let server_nonce: String
            let server_transcript: String
            let server_signature: String
            let client_transcript: String
            let client_signature: String
        }
        let server_seed: String
        let registry_file_hash: String
        let auth: Auth
    }

    static func load() throws -> Vector {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../SecureAggTests/Resources/Vectors/registry_hashes.json").standardized
        return try JSONDecoder().decode(Vector.self, from: Data(contentsOf: url))
    }

    static func bytes(_ hex: String) throws -> [UInt8] { try #require(Hex.decode(hex)) }

    @Test("Server and client transcripts over H_file, and their Ed25519 signatures")
    func transcripts() throws {
        let v = try Self.load()
        let a = v.auth
        let hash = try Self.bytes(v.registry_file_hash)
        let clientNonce = try Self.bytes(a.client_nonce)
        let serverNonce = try Self.bytes(a.server_nonce)
        let server = SessionAuthentication.serverTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce)
        let client = SessionAuthentication.clientTranscript(
            registryHash: hash, client: a.client, clientNonce: clientNonce, serverNonce: serverNonce)
        #expect(Hex.encode(server) == a.server_transcript)
        #expect(Hex.encode(client) == a.client_transcript)
        let serverKey = try Ed25519.SecretKey(seed: SecureBytes(copying: Self.bytes(v.server_seed)))
        let clientKey = try Ed25519.SecretKey(seed: SecureBytes(copying: Self.bytes(a.client_seed)))
        #expect(Hex.encode(serverKey.sign(server)) == a.server_signature)
        #expect(Hex.encode(clientKey.sign(client)) == a.client_signature)
    }
}
