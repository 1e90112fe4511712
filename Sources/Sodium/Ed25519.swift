internal import CSodium

/// Ed25519 signatures (RFC 8032) via libsodium's `crypto_sign_detached`.
public enum Ed25519 {
    public static let publicKeyByteCount = 32
    public static let seedByteCount = 32
    public static let signatureByteCount = 64

    /// A 32-byte Ed25519 public key. Public; printed and stored as lower-case hex.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        public let bytes: [UInt8]

        public init(bytes: [UInt8]) throws(SodiumError) {
            try checkLength("Ed25519 public key", bytes.count, Ed25519.publicKeyByteCount)
            self.bytes = bytes
        }

        /// Parses lower- or upper-case hex.
        public init(hex: String) throws(SodiumError) {
            guard let bytes = Hex.decode(hex) else { throw .invalidParameter(what: "Ed25519 public key hex") }
            try self.init(bytes: bytes)
        }

        public var hex: String { Hex.encode(bytes) }
        public var description: String { "Ed25519.PublicKey(\(hex))" }

        /// True when `signature` is a valid signature of `message` under this key.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            SodiumRuntime.ensureInitialized()
            guard signature.count == Ed25519.signatureByteCount else { return false }
            return crypto_sign_verify_detached(signature, message, UInt64(message.count), bytes) == 0
        }
    }

    /// An Ed25519 signing key (libsodium's 64-byte seed ‖ public key form), wiped on release.
    public struct SecretKey: Sendable {
        let storage: SecureBytes
        public let publicKey: PublicKey

        /// Derives the key pair from a 32-byte seed (RFC 8032 "secret key").
        public init(seed: SecureBytes) throws(SodiumError) {
            try checkLength("Ed25519 seed", seed.count, Ed25519.seedByteCount)
            SodiumRuntime.ensureInitialized()
            var pk = [UInt8](repeating: 0, count: Ed25519.publicKeyByteCount)
            var code: CInt = 0
            storage = SecureBytes(count: 64) { sk in
                seed.withUnsafeBytes { s in
                    code = crypto_sign_seed_keypair(
                        &pk, sk.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            guard code == 0 else { throw .libraryCallFailed(function: "crypto_sign_seed_keypair", code: code) }
            publicKey = try PublicKey(bytes: pk)
        }

        /// A fresh identity from libsodium's CSPRNG.
        public static func generate() -> SecretKey {
            do { return try SecretKey(seed: SecureBytes(randomCount: Ed25519.seedByteCount)) } catch {
                preconditionFailure("a 32-byte seed is always valid")
            }
        }

        /// The 32-byte seed (what key files store), as a wiped buffer.
        public var seed: SecureBytes {
            SecureBytes(count: Ed25519.seedByteCount) { out in
                storage.withUnsafeBytes { sk in out.copyMemory(from: UnsafeRawBufferPointer(rebasing: sk[0..<32])) }
            }
        }

        /// Detached 64-byte signature of `message`.
        public func sign(_ message: [UInt8]) -> [UInt8] {
            var sig = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
            storage.withUnsafeBytes { sk in
                // Documented to succeed for any message and a key made by crypto_sign_seed_keypair.
                let code = crypto_sign_detached(
                    &sig, nil, message, UInt64(message.count), sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
                sodiumMustSucceed(code, "crypto_sign_detached")
            }
            return sig
        }
    }
}
