// The schemas of the wire-vector files that more than one test target reads (field names as in the JSON files,
// snake_case). Files read by one target only keep their schema beside their tests.

/// `DPNoiseTests/Resources/Vectors/encoder_randomness.json` (Docs/wire.md §§ 13.3–13.4, 14): read by DPNoiseTests
/// (the encoder) and FedCoreTests (`output_hash`). Numbers that must survive JSON exactly are strings.
public struct EncoderRandomnessVectors: Decodable, Sendable {
    public struct BlockRandomness: Decodable, Sendable {
        public let index: Int
        public let key: String
        public let first_words: [String]
    }

    public struct Case: Decodable, Sendable {
        public let name: String
        public let dimension: Int
        public let block_size: Int
        public let l2_clip: Double
        public let scale: Double
        public let bits: Int
        public let beta: Double
        public let round_seed: String
        public let max_rounding_attempts: Int
        public let input: [String]
        public let input_norm: String
        public let encoder_seed: UInt64
        public let attempt_key: String
        public let block_randomness: [BlockRandomness]
        public let encoded: [UInt32]
        public let decoded: [String]
        public let output_hash: String
    }

    public let cases: [Case]
}

/// `SecureAggTests/Resources/Vectors/registry_hashes.json` (Docs/wire.md §§ 4, 5): read by FedCoreTests (the two
/// registry hashes) and SecAggTransportTests (authentication transcripts, server message signatures).
public struct RegistryHashVectors: Decodable, Sendable {
    public struct Auth: Decodable, Sendable {
        public let client: UInt32
        public let client_seed: String
        public let client_nonce: String
        public let server_nonce: String
        public let server_transcript: String
        public let server_signature: String
        public let client_transcript: String
        public let client_signature: String
    }

    /// The same session over TLS (Docs/wire.md § 4.2).
    public struct AuthTLS: Decodable, Sendable {
        public let certificate_pem: String
        public let certificate_der: String
        public let tls_certificate_hash: String
        public let server_transcript: String
        public let server_signature: String
        public let client_transcript: String
        public let client_signature: String
    }

    public struct ServerMessages: Decodable, Sendable {
        public struct Signed: Decodable, Sendable {
            public let message: String
            public let kind: UInt32
            public let round: UInt64
            public let canonical_bytes: String
            public let transcript: String
            public let signature: String
        }

        public let run_id: String
        public let output_hash: String
        public let messages: [Signed]
    }

    public let registry_json: String
    public let registry_file_hash: String
    public let secureagg_registry_hash: String
    public let active_ids: [UInt32]
    public let server_seed: String
    public let auth: Auth
    public let auth_tls: AuthTLS
    public let server_messages: ServerMessages
}
