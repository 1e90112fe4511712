internal import CSodium

/// The ChaCha20 (IETF, RFC 8439) keystream via libsodium's `crypto_stream_chacha20_ietf_xor_ic`.
public enum ChaCha20 {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let blockByteCount = 64

    /// Writes the keystream for (`key`, `nonce`) starting at 64-byte block `initialCounter` into `output`.
    ///
    /// - Precondition: `key` has 32 bytes, `nonce` 12; `output.count` may be any length (a partial final
    ///   block is truncated). The caller keeps (key, nonce, counter) ranges disjoint across uses.
    public static func keystream(
        key: SecureBytes, nonce: [UInt8], initialCounter: UInt32, into output: UnsafeMutableRawBufferPointer
    ) {
        precondition(key.count == keyByteCount && nonce.count == nonceByteCount)
        guard let base = output.baseAddress, output.count > 0 else { return }
        output.initializeMemory(as: UInt8.self, repeating: 0)
        let p = base.assumingMemoryBound(to: UInt8.self)
        key.withUnsafeBytes { k in
            // Fails only above crypto_stream_chacha20_ietf_MESSAGEBYTES_MAX (256 GiB); a counter overflow
            // aborts inside libsodium (sodium_misuse) rather than returning.
            let code = crypto_stream_chacha20_ietf_xor_ic(
                p, p, UInt64(output.count), nonce, initialCounter, k.baseAddress!.assumingMemoryBound(to: UInt8.self))
            sodiumMustSucceed(code, "crypto_stream_chacha20_ietf_xor_ic")
        }
    }
}
