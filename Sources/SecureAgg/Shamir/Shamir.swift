import Sodium

/// Shamir secret sharing over GF(2^61 − 1) (see ``PrimeField``).
///
/// A secret of L bytes is cut into ⌈L/7⌉ chunks of 7 bytes (little-endian; the last chunk may be shorter),
/// each < 2^56 < p, and every chunk is shared with its own random polynomial of degree t − 1 evaluated at
/// the same points x. Any t shares reconstruct (Lagrange interpolation at 0); t − 1 reveal nothing.
public enum Shamir {
    /// Bytes per field-element chunk.
    public static let chunkByteCount = 7

    /// Number of chunks for a secret of `byteCount` bytes.
    public static func chunkCount(secretByteCount byteCount: Int) -> Int {
        (byteCount + chunkByteCount - 1) / chunkByteCount
    }

    /// Splits `secret` into shares at x = 1 … `shareCount`.
    public static func split(
        secret: SecureBytes, threshold: Int, shareCount: Int, using rng: inout some SecureRandom
    ) throws(SecureAggError.Sharing) -> [ShamirShare] {
        guard shareCount >= 1, shareCount <= Int(UInt32.max) else { throw .invalidParameters("share count") }
        return try split(secret: secret, threshold: threshold, points: (1...shareCount).map { UInt32($0) }, using: &rng)
    }

    /// Splits `secret` into one share per point in `points` (distinct, non-zero; the protocol uses client ids).
    ///
    /// - Throws: ``SecureAggError/Sharing/invalidParameters(_:)`` unless 1 ≤ threshold ≤ points.count and the secret has
    ///   1…1785 bytes; ``SecureAggError/Sharing/zeroX`` / ``SecureAggError/Sharing/duplicateX(_:)`` for bad points.
    public static func split(
        secret: SecureBytes, threshold: Int, points: [UInt32], using rng: inout some SecureRandom
    ) throws(SecureAggError.Sharing) -> [ShamirShare] {
        guard threshold >= 1, threshold <= points.count else { throw .invalidParameters("threshold") }
        let chunks = chunkCount(secretByteCount: secret.count)
        guard chunks >= 1, chunks <= 255 else { throw .invalidParameters("secret length") }
        var seen = Set<UInt32>()
        for x in points {
            guard x != 0 else { throw .zeroX }
            guard seen.insert(x).inserted else { throw .duplicateX(x) }
        }
        // coefficients[c * threshold + j] = coefficient j of chunk c's polynomial; wiped afterwards.
        let coefficients = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: chunks * threshold)
        defer {
            secureZero(UnsafeMutableRawBufferPointer(coefficients))
            coefficients.deallocate()
        }
        secret.withUnsafeBytes { s in
            for c in 0..<chunks {
                var v: UInt64 = 0
                let start = c * chunkByteCount
                let end = min(start + chunkByteCount, s.count)
                for i in stride(from: end - 1, through: start, by: -1) { v = v << 8 | UInt64(s[i]) }
                coefficients[c * threshold] = v
                for j in 1..<threshold {
                    coefficients[c * threshold + j] = PrimeField.random(using: &rng)
                }
            }
        }
        return points.map { x in
            let fx = UInt64(x)
            let values = SecureBytes(count: 8 * chunks) { out in
                for c in 0..<chunks {
                    var acc: UInt64 = 0
                    for j in stride(from: threshold - 1, through: 0, by: -1) {
                        acc = PrimeField.add(PrimeField.mul(acc, fx), coefficients[c * threshold + j])
                    }
                    out.storeBytes(of: acc.littleEndian, toByteOffset: 8 * c, as: UInt64.self)
                }
            }
            return ShamirShare(x: x, values: values)
        }
    }

    /// Reconstructs a `secretByteCount`-byte secret from at least `threshold` shares (the first `threshold`
    /// are interpolated; all are checked for distinct, non-zero points and equal chunk counts).
    ///
    /// - Throws: ``SecureAggError/Sharing/tooFewShares(available:required:)``, ``SecureAggError/Sharing/duplicateX(_:)``,
    ///   ``SecureAggError/Sharing/zeroX``, ``SecureAggError/Sharing/inconsistentChunkCounts``, and
    ///   ``SecureAggError/Sharing/reconstructionOutOfRange`` when the result cannot be a secret of that length.
    public static func reconstruct(
        _ shares: [ShamirShare], threshold: Int, secretByteCount: Int
    ) throws(SecureAggError.Sharing) -> SecureBytes {
        guard threshold >= 1 else { throw .invalidParameters("threshold") }
        guard shares.count >= threshold else { throw .tooFewShares(available: shares.count, required: threshold) }
        let chunks = chunkCount(secretByteCount: secretByteCount)
        guard chunks >= 1, chunks <= 255 else { throw .invalidParameters("secret length") }
        var seen = Set<UInt32>()
        for share in shares {
            guard share.x != 0 else { throw .zeroX }
            guard seen.insert(share.x).inserted else { throw .duplicateX(share.x) }
            guard share.chunkCount == chunks else { throw .inconsistentChunkCounts }
        }
        let used = Array(shares.prefix(threshold))
        let xs = used.map { UInt64($0.x) }
        // Lagrange basis at 0: λ_i = Π_{j≠i} x_j / (x_j − x_i).
        var lambdas = [UInt64](repeating: 0, count: threshold)
        for i in 0..<threshold {
            var num: UInt64 = 1
            var den: UInt64 = 1
            for j in 0..<threshold where j != i {
                num = PrimeField.mul(num, xs[j])
                den = PrimeField.mul(den, PrimeField.sub(xs[j], xs[i]))
            }
            lambdas[i] = PrimeField.mul(num, PrimeField.inverse(den))
        }
        var outOfRange = false
        let secret = SecureBytes(count: secretByteCount) { out in
            for c in 0..<chunks {
                var acc: UInt64 = 0
                for i in 0..<threshold { acc = PrimeField.add(acc, PrimeField.mul(lambdas[i], used[i].value(at: c))) }
                let start = c * chunkByteCount
                let end = min(start + chunkByteCount, secretByteCount)
                for k in start..<end {
                    out[k] = UInt8(truncatingIfNeeded: acc)
                    acc >>= 8
                }
                if acc != 0 { outOfRange = true }
                acc = 0
            }
        }
        guard !outOfRange else { throw .reconstructionOutOfRange }
        return secret
    }
}
