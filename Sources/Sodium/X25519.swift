internal import CSodium

/// X25519 Diffie–Hellman (RFC 7748) via libsodium's `crypto_scalarmult`.
public enum X25519 {
    /// Public keys, secret keys and raw shared secrets are 32 bytes.
    public static let byteCount = 32

    /// A 32-byte X25519 public key. Public; may be printed and serialised.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        public let bytes: [UInt8]

        /// Validates the length before anything else.
        public init(bytes: [UInt8]) throws(SodiumError) {
            try checkLength("X25519 public key", bytes.count, X25519.byteCount)
            self.bytes = bytes
        }

        public var description: String { "X25519.PublicKey(\(Hex.encode(bytes)))" }
    }

    /// A 32-byte X25519 secret scalar, wiped on release.
    public struct SecretKey: Sendable {
        let storage: SecureBytes
        /// The matching public key (`crypto_scalarmult_base`).
        public let publicKey: PublicKey

        /// Wraps existing secret bytes (for test vectors and reconstructed keys).
        public init(secretBytes: SecureBytes) throws(SodiumError) {
            try checkLength("X25519 secret key", secretBytes.count, X25519.byteCount)
            storage = secretBytes
            SodiumRuntime.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: X25519.byteCount)
            let code = secretBytes.withUnsafeBytes { sk in
                crypto_scalarmult_base(&pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard code == 0 else { throw .libraryCallFailed(function: "crypto_scalarmult_base", code: code) }
            publicKey = try PublicKey(bytes: pk)
        }

        /// A fresh key pair from libsodium's CSPRNG.
        public static func generate() -> SecretKey {
            // 32 random bytes always make a valid scalar (clamped inside scalarmult).
            do { return try SecretKey(secretBytes: SecureBytes(randomCount: X25519.byteCount)) } catch {
                preconditionFailure("32 random bytes are always a valid X25519 secret")
            }
        }

        /// A key pair from a caller-supplied generator (deterministic generators are for tests only).
        public static func generate<R: SecureRandom>(using rng: inout R) -> SecretKey {
            let bytes = rng.secureBytes(count: X25519.byteCount)
            do { return try SecretKey(secretBytes: bytes) } catch {
                preconditionFailure("32 random bytes are always a valid X25519 secret")
            }
        }

        /// Raw access to the scalar, e.g. to Shamir-share it. Do not let the pointer escape.
        public func withUnsafeSecretBytes<T, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
            try storage.withUnsafeBytes(body)
        }

        /// The secret bytes as a wiped buffer (shares the storage; no copy).
        public var secretBytes: SecureBytes { storage }
    }

    /// The raw X25519 output. Not a key: derive one with ``RawSharedSecret/deriveKey(label:context:)``.
    public struct RawSharedSecret: Sendable {
        let storage: SecureBytes

        /// A 32-byte key = BLAKE2b-256 keyed by the raw secret over `label ‖ 0x00 ‖ context`.
        /// Different labels or contexts give independent keys.
        public func deriveKey(label: String, context: [UInt8]) -> SecureBytes {
            var message = Array(label.utf8)
            message.append(0)
            message.append(contentsOf: context)
            return Blake2b.keyedHash(key: storage, message: message, outputByteCount: 32)
        }

        /// Raw bytes, for known-answer tests only (`@testable import Sodium`).
        func withUnsafeBytesForTesting<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
            storage.withUnsafeBytes(body)
        }
    }

    /// X25519(secret, peer). Throws ``SodiumError/weakSharedSecret`` for the all-zero output
    /// (a low-order or malicious peer key), as libsodium reports it.
    public static func sharedSecret(secretKey: SecretKey, peer: PublicKey) throws(SodiumError) -> RawSharedSecret {
        var failed = false
        let out = SecureBytes(count: byteCount) { out in
            secretKey.storage.withUnsafeBytes { sk in
                let rc = crypto_scalarmult(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    peer.bytes)
                failed = rc != 0
            }
        }
        if failed || out.isAllZero { throw .weakSharedSecret }
        return RawSharedSecret(storage: out)
    }
}
