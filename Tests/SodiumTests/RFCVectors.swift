import Foundation
import Testing
import Sodium

/// Published test vectors, checked in under TestVectors/ (see the file's "source" field).
struct RFCVectors: Decodable {
    struct X25519Case: Decodable {
        let alice_private, alice_public, bob_private, bob_public, shared: String
    }
    struct ChaChaCase: Decodable {
        let key, nonce: String
        let counter: UInt32
        let keystream: String
    }
    struct Ed25519Case: Decodable {
        let seed, `public`, message, signature: String
    }
    let x25519: [X25519Case]
    let chacha20_block: [ChaChaCase]
    let ed25519: [Ed25519Case]

    static func load() throws -> RFCVectors {
        let url = try #require(Bundle.module.url(forResource: "TestVectors/rfc_vectors", withExtension: "json"))
        return try JSONDecoder().decode(RFCVectors.self, from: Data(contentsOf: url))
    }
}

func hex(_ s: String) throws -> [UInt8] { try #require(Hex.decode(s)) }
