internal import CSodium

/// XChaCha20-Poly1305 AEAD (`crypto_aead_xchacha20poly1305_ietf`). Sealed format: nonce(24) ‖ ciphertext ‖ tag(16).
public enum XChaCha20Poly1305 {
    public static let keyByteCount = 32
    public static let nonceByteCount = 24
    public static let tagByteCount = 16
    /// Bytes added to a plaintext by ``seal(_:key:additionalData:)``.
    public static let overheadByteCount = nonceByteCount + tagByteCount

    /// Encrypts and authenticates `plaintext` and `additionalData` under a fresh random nonce.
    public static func seal(_ plaintext: UnsafeRawBufferPointer, key: SecureBytes, additionalData: [UInt8]) -> [UInt8] {
        precondition(key.count == keyByteCount)
        SodiumRuntime.ensureInitialized()
        var out = [UInt8](repeating: 0, count: nonceByteCount + plaintext.count + tagByteCount)
        out.withUnsafeMutableBytes { o in
            let base = o.baseAddress!.assumingMemoryBound(to: UInt8.self)
            randombytes_buf(base, nonceByteCount)
            var clen: UInt64 = 0
            key.withUnsafeBytes { k in
                // Fails only above crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX (~256 GiB).
                let code = crypto_aead_xchacha20poly1305_ietf_encrypt(
                    base + nonceByteCount, &clen,
                    plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
                    additionalData, UInt64(additionalData.count), nil,
                    base, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                sodiumMustSucceed(code, "crypto_aead_xchacha20poly1305_ietf_encrypt")
            }
        }
        return out
    }

    public static func seal(_ plaintext: SecureBytes, key: SecureBytes, additionalData: [UInt8]) -> [UInt8] {
        plaintext.withUnsafeBytes { seal($0, key: key, additionalData: additionalData) }
    }

    public static func seal(_ plaintext: [UInt8], key: SecureBytes, additionalData: [UInt8]) -> [UInt8] {
        plaintext.withUnsafeBytes { seal($0, key: key, additionalData: additionalData) }
    }

    /// Verifies and decrypts. Throws ``SodiumError/authenticationFailed`` on any mismatch
    /// (key, additional data, nonce, ciphertext or tag), and `invalidLength` when too short.
    public static func open(_ sealed: [UInt8], key: SecureBytes, additionalData: [UInt8]) throws(SodiumError) -> SecureBytes {
        precondition(key.count == keyByteCount)
        guard sealed.count >= overheadByteCount else {
            throw .invalidLength(what: "sealed box", expected: overheadByteCount, actual: sealed.count)
        }
        let plainCount = sealed.count - overheadByteCount
        var ok = false
        let plain = SecureBytes(count: plainCount) { out in
            sealed.withUnsafeBytes { s in
                let sb = s.baseAddress!.assumingMemoryBound(to: UInt8.self)
                key.withUnsafeBytes { k in
                    var mlen: UInt64 = 0
                    let outPtr = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                    var scratch: UInt8 = 0
                    ok = withUnsafeMutablePointer(to: &scratch) { sp in
                        crypto_aead_xchacha20poly1305_ietf_decrypt(
                            outPtr ?? sp, &mlen, nil,
                            sb + nonceByteCount, UInt64(sealed.count - nonceByteCount),
                            additionalData, UInt64(additionalData.count),
                            sb, k.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
                    }
                }
            }
        }
        guard ok else { throw .authenticationFailed }
        return plain
    }
}
