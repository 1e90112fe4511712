import Sodium

/// Mutual authentication of a session with the Ed25519 identities of `registry.json`.
///
/// Hello carries (client id, 32-byte client nonce, the client's registry hash). The server answers with a
/// 32-byte server nonce, the channel it serves (``ChannelBinding``) and its signature over
/// ``serverTranscript(registryHash:client:clientNonce:serverNonce:channel:)``; the client checks it against the
/// server key of its own registry copy, checks the signed channel against its own connection, and answers with
/// its signature over ``clientTranscript(registryHash:client:clientNonce:serverNonce:channel:)`` with the channel
/// it saw, checked against the server's registry and the channel the server serves. Both nonces are fresh per
/// session, so a signature cannot be replayed into another session; the channel binding keeps a session from
/// being relayed between two TLS connections (or TLS and plaintext); the two transcripts are domain-separated, so
/// one side's signature never serves as the other's.
public enum SessionAuthentication {
    public static let nonceByteCount = 32

    /// "secagg.v1.grpc.server-auth" ‖ 0 ‖ registry hash (32) ‖ client id (UInt32 LE) ‖ client nonce ‖
    /// server nonce ‖ channel (``ChannelBinding/transcriptBytes``, 33).
    public static func serverTranscript(
        registryHash: [UInt8], client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8], channel: ChannelBinding
    ) -> [UInt8] {
        transcript("secagg.v1.grpc.server-auth", registryHash, client, clientNonce, serverNonce, channel)
    }

    /// "secagg.v1.grpc.client-auth" ‖ 0 ‖ registry hash (32) ‖ client id (UInt32 LE) ‖ client nonce ‖
    /// server nonce ‖ channel (``ChannelBinding/transcriptBytes``, 33).
    public static func clientTranscript(
        registryHash: [UInt8], client: UInt32, clientNonce: [UInt8], serverNonce: [UInt8], channel: ChannelBinding
    ) -> [UInt8] {
        transcript("secagg.v1.grpc.client-auth", registryHash, client, clientNonce, serverNonce, channel)
    }

    private static func transcript(
        _ domain: String, _ registryHash: [UInt8], _ client: UInt32, _ clientNonce: [UInt8], _ serverNonce: [UInt8],
        _ channel: ChannelBinding
    ) -> [UInt8] {
        var bytes = Array(domain.utf8) + [0]
        bytes.append(contentsOf: registryHash)
        withUnsafeBytes(of: client.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: clientNonce)
        bytes.append(contentsOf: serverNonce)
        bytes.append(contentsOf: channel.transcriptBytes)
        return bytes
    }
}
