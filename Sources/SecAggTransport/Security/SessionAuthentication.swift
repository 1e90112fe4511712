import Sodium

/// Mutual authentication of a session with the Ed25519 identities of `registry.json`.
///
/// Hello carries (client id, 32-byte client nonce, the client's registry hash). The server answers with a
/// 32-byte server nonce and its signature over ``serverTranscript(registryHash:client:clientNonce:serverNonce:)``;
/// the client checks it against the server key of its own registry copy and answers with its signature over
/// ``clientTranscript(registryHash:client:clientNonce:serverNonce:)``, checked against the server's registry.
/// Both nonces are fresh per session, so a signature cannot be replayed into another session, and the two
/// transcripts are domain-separated, so one side's signature never serves as the other's.
public enum SessionAuthentication {
    public static let nonceByteCount = 32

    /// "secagg.v1.grpc.server-auth" ‖ 0 ‖ registry hash (32) ‖ client id (UInt32 LE) ‖ client nonce ‖
    /// server nonce.
    public static func serverTranscript(
        registryHash: [UInt8], client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8]
    ) -> [UInt8] {
        transcript("secagg.v1.grpc.server-auth", registryHash, client, clientNonce, serverNonce)
    }

    /// "secagg.v1.grpc.client-auth" ‖ 0 ‖ registry hash (32) ‖ client id (UInt32 LE) ‖ client nonce ‖
    /// server nonce.
    public static func clientTranscript(
        registryHash: [UInt8], client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8]
    ) -> [UInt8] {
        transcript("secagg.v1.grpc.client-auth", registryHash, client, clientNonce, serverNonce)
    }

    private static func transcript(
        _ domain: String, _ registryHash: [UInt8], _ client: UInt32, _ clientNonce: [UInt8], _ serverNonce: [UInt8]
    ) -> [UInt8] {
        var bytes = Array(domain.utf8) + [0]
        bytes.append(contentsOf: registryHash)
        withUnsafeBytes(of: client.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: clientNonce)
        bytes.append(contentsOf: serverNonce)
        return bytes
    }
}
