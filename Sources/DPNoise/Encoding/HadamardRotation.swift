import Sodium

/// The randomized Hadamard rotation x ↦ H·D·x per block, with D = diag(±1) from a public seed and H the
/// orthonormal Walsh–Hadamard matrix (entries ±1/√B for block size B). Orthonormal, so it preserves L2 norms;
/// the inverse is D·H (H is symmetric and its own inverse).
///
/// Memory: the signs are kept as one bit per padded coordinate (d/8 bytes), so an encoder or decoder for a
/// 22 M-parameter model holds ≈ 2.8 MB of signs rather than a full-length vector.
struct HadamardRotation: Sendable {
    let blockSizes: [Int]
    /// Padded dimension (sum of `blockSizes`).
    let paddedDimension: Int
    /// Bit i (byte i/8, bit i mod 8) set ⇔ sign i is −1: the ChaCha20 keystream bytes keyed by the seed.
    private let signBits: [UInt8]

    /// Signs: bit i of the ChaCha20 keystream keyed by the 32-byte `seed` (1 → −1).
    init(seed: [UInt8], blockSizes: [Int]) {
        self.blockSizes = blockSizes
        paddedDimension = blockSizes.reduce(0, +)
        var rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
        signBits = rng.bytes(count: (paddedDimension + 7) / 8)
    }

    /// One ±1.0 per padded coordinate (materialised; for tests and small dimensions).
    var signs: [Double] { (0..<paddedDimension).map { sign(at: $0) } }

    /// The sign of padded coordinate `i` as ±1.0.
    @inline(__always)
    func sign(at i: Int) -> Double { (signBits[i >> 3] >> UInt8(i & 7)) & 1 == 1 ? -1.0 : 1.0 }

    /// In place: x ← H·D·x per block. `x.count` = padded dimension.
    func forward(_ x: UnsafeMutableBufferPointer<Double>) {
        var offset = 0
        for size in blockSizes {
            forwardBlock(UnsafeMutableBufferPointer(rebasing: x[offset..<offset + size]), offset: offset)
            offset += size
        }
    }

    /// In place: x ← D·H·x per block (the inverse of ``forward(_:)``).
    func inverse(_ x: UnsafeMutableBufferPointer<Double>) {
        var offset = 0
        for size in blockSizes {
            inverseBlock(UnsafeMutableBufferPointer(rebasing: x[offset..<offset + size]), offset: offset)
            offset += size
        }
    }

    /// In place on one block whose first padded coordinate is `offset`: block ← H·D·block.
    /// `block.count` is that block's size.
    func forwardBlock(_ block: UnsafeMutableBufferPointer<Double>, offset: Int) {
        applySigns(block, offset: offset)
        Self.walshHadamard(block)
    }

    /// In place on one block: block ← D·H·block (the inverse of ``forwardBlock(_:offset:)``).
    func inverseBlock(_ block: UnsafeMutableBufferPointer<Double>, offset: Int) {
        Self.walshHadamard(block)
        applySigns(block, offset: offset)
    }

    private func applySigns(_ block: UnsafeMutableBufferPointer<Double>, offset: Int) {
        // Negation flips the sign bit: XOR it with the sign's bit, without a branch on a random bit.
        signBits.withUnsafeBufferPointer { bits in
            for j in 0..<block.count {
                let i = offset + j
                let flip = UInt64((bits[i >> 3] >> UInt8(i & 7)) & 1) << 63
                block[j] = Double(bitPattern: block[j].bitPattern ^ flip)
            }
        }
    }

    /// Orthonormal fast Walsh–Hadamard transform in place, O(B log B). `x.count` is a power of two.
    ///
    /// The first two levels run as one radix-4 pass and the scaling by 1/√B rides on the last level; every
    /// value is the same sum in the same order as level by level, so the result is bit for bit the same.
    static func walshHadamard(_ x: UnsafeMutableBufferPointer<Double>) {
        let n = x.count
        let norm = 1 / Double(n).squareRoot()
        guard n >= 4 else {
            if n == 2 {
                let (a, b) = (x[0], x[1])
                x[0] = (a + b) * norm
                x[1] = (a - b) * norm
            }
            return
        }
        let lastLevel = n / 2
        var i = 0
        while i < n {
            let (a, b, c, d) = (x[i], x[i + 1], x[i + 2], x[i + 3])
            let (s0, d0, s1, d1) = (a + b, a - b, c + d, c - d)
            if n == 4 {
                (x[i], x[i + 1], x[i + 2], x[i + 3]) = ((s0 + s1) * norm, (d0 + d1) * norm, (s0 - s1) * norm, (d0 - d1) * norm)
            } else {
                (x[i], x[i + 1], x[i + 2], x[i + 3]) = (s0 + s1, d0 + d1, s0 - s1, d0 - d1)
            }
            i += 4
        }
        var h = 4
        while h < n {
            let scale = h == lastLevel
            i = 0
            while i < n {
                for j in i..<i + h {
                    let a = x[j]
                    let b = x[j + h]
                    if scale {
                        x[j] = (a + b) * norm
                        x[j + h] = (a - b) * norm
                    } else {
                        x[j] = a + b
                        x[j + h] = a - b
                    }
                }
                i += 2 * h
            }
            h *= 2
        }
    }
}
