import Sodium

/// The channel a session runs over, as both authentication transcripts bind it (Docs/wire.md § 4.2).
///
/// The server states the channel it serves (Challenge `tls_certificate_hash`: the hash of the leaf certificate of
/// its `--tls-cert`, or nothing without TLS) and signs it with the handshake; the client compares the signed value
/// with what its own connection presented, and signs what it saw in Authenticate. A party in the middle that
/// terminates TLS with another certificate the client's CA accepts, or that talks TLS on one side and plaintext
/// on the other, therefore makes one side's check fail before Welcome.
public enum ChannelBinding: Sendable, Equatable, CustomStringConvertible {
    /// No TLS.
    case plaintext
    /// TLS; the BLAKE2b-256 (unkeyed, 32 bytes) of the DER encoding of the server's leaf certificate.
    case tlsCertificate(hash: [UInt8])

    public static let certificateHashByteCount = 32

    /// The binding of a TLS channel whose server presents the certificate with this DER encoding.
    public init(certificateDER: [UInt8]) { self = .tlsCertificate(hash: Self.hash(certificateDER: certificateDER)) }

    /// BLAKE2b-256 (unkeyed) of a certificate's DER encoding.
    static func hash(certificateDER: [UInt8]) -> [UInt8] {
        Blake2b.hash(certificateDER, outputByteCount: certificateHashByteCount)
    }

    /// Reads Challenge `tls_certificate_hash`: empty = plaintext, 32 bytes = a certificate hash.
    /// - Throws: ``TransportError/malformed(_:)`` for any other length.
    init(wireField bytes: [UInt8]) throws(TransportError) {
        if bytes.isEmpty {
            self = .plaintext
            return
        }
        guard bytes.count == Self.certificateHashByteCount else {
            throw .malformed("tls_certificate_hash has \(bytes.count) bytes, expected 0 or 32")
        }
        self = .tlsCertificate(hash: bytes)
    }

    /// Challenge `tls_certificate_hash`: empty for plaintext, else the 32-byte hash.
    var wireField: [UInt8] {
        switch self {
        case .plaintext: return []
        case .tlsCertificate(let hash): return hash
        }
    }

    /// The 33 bytes appended to both authentication transcripts: `u8` (0 plaintext, 1 TLS) ‖ the certificate
    /// hash (32 zero bytes for plaintext).
    public var transcriptBytes: [UInt8] {
        switch self {
        case .plaintext: return [0] + [UInt8](repeating: 0, count: Self.certificateHashByteCount)
        case .tlsCertificate(let hash): return [1] + hash
        }
    }

    /// "no TLS", or "TLS certificate 1a2b3c4d5e6f7a8b…" (the first 8 bytes of its hash in hex).
    public var description: String {
        switch self {
        case .plaintext: return "no TLS"
        case .tlsCertificate(let hash): return "TLS certificate \(Hex.encode(Array(hash.prefix(8))))…"
        }
    }
}
