internal import CSodium

/// Argon2id password hashing (`crypto_pwhash`, ALG_ARGON2ID13) for passphrase-protected key files.
public enum Argon2id {
    public static let saltByteCount = 16

    /// Cost parameters. Stored next to the salt in every encrypted file; bounded when read back so a
    /// crafted file cannot demand unbounded time or memory.
    public struct Parameters: Sendable, Equatable, Codable {
        /// Passes over memory (libsodium `opslimit`), 1…`maxOpsLimit`.
        public var opsLimit: UInt64
        /// Memory in bytes (libsodium `memlimit`), 8 KiB…`maxMemLimitBytes`.
        public var memLimitBytes: UInt64

        public init(opsLimit: UInt64, memLimitBytes: UInt64) {
            self.opsLimit = opsLimit
            self.memLimitBytes = memLimitBytes
        }

        /// libsodium's "moderate" preset: 3 passes, 256 MiB.
        public static let moderate = Parameters(opsLimit: 3, memLimitBytes: 256 << 20)
        /// libsodium's "interactive" preset: 2 passes, 64 MiB.
        public static let interactive = Parameters(opsLimit: 2, memLimitBytes: 64 << 20)

        public static let maxOpsLimit: UInt64 = 10
        public static let maxMemLimitBytes: UInt64 = 1 << 30
        public static let minMemLimitBytes: UInt64 = 8 << 10

        /// Throws when outside the accepted bounds.
        public func validate() throws(SodiumError) {
            guard opsLimit >= 1, opsLimit <= Self.maxOpsLimit else { throw .invalidParameter(what: "argon2 opslimit") }
            guard memLimitBytes >= Self.minMemLimitBytes, memLimitBytes <= Self.maxMemLimitBytes else {
                throw .invalidParameter(what: "argon2 memlimit")
            }
        }
    }

    /// Derives `outputByteCount` bytes from `passphrase` and a 16-byte `salt`.
    public static func deriveKey(
        passphrase: SecureBytes, salt: [UInt8], parameters: Parameters, outputByteCount: Int = 32
    ) throws(SodiumError) -> SecureBytes {
        try checkLength("Argon2id salt", salt.count, saltByteCount)
        try parameters.validate()
        var rc: Int32 = 0
        let key = SecureBytes(count: outputByteCount) { out in
            passphrase.withUnsafeBytes { pw in
                let pwPtr = pw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var empty: CChar = 0
                rc = withUnsafeMutablePointer(to: &empty) { e in
                    crypto_pwhash(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(outputByteCount),
                        pwPtr ?? UnsafePointer(e), UInt64(pw.count), salt,
                        parameters.opsLimit, Int(parameters.memLimitBytes), crypto_pwhash_ALG_ARGON2ID13)
                }
            }
        }
        guard rc == 0 else { throw .keyDerivationFailed }
        return key
    }
}
