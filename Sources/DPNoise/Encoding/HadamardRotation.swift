import Sodium

/// The randomized Hadamard rotation x ↦ H·D·x per block, with D = diag(±1) from a public seed and H the
/// orthonormal Walsh–Hadamard matrix (entries ±1/√B for block size B). Orthonormal, so it preserves L2 norms;
/// the inverse is D·H (H is symmetric and its own inverse).
struct HadamardRotation: Sendable {
    let blockSizes: [Int]
    /// One ±1.0 per padded coordinate.
    let signs: [Double]

    /// Signs: bit i of the ChaCha20 keystream keyed by the 32-byte `seed` (1 → −1).
    init(seed: [UInt8], blockSizes: [Int]) {
        self.blockSizes = blockSizes
        let total = blockSizes.reduce(0, +)
        var rng = ChaChaRandom.seeded(key: SecureBytes(copying: seed))
        let bytes = rng.bytes(count: (total + 7) / 8)
        signs = (0..<total).map { i in (bytes[i >> 3] >> (i & 7)) & 1 == 1 ? -1.0 : 1.0 }
    }

    /// In place: x ← H·D·x per block. `x.count` = padded dimension.
    func forward(_ x: UnsafeMutableBufferPointer<Double>) {
        var offset = 0
        for size in blockSizes {
            for i in offset..<offset + size { x[i] *= signs[i] }
            Self.walshHadamard(UnsafeMutableBufferPointer(rebasing: x[offset..<offset + size]))
            offset += size
        }
    }

    /// In place: x ← D·H·x per block (the inverse of ``forward(_:)``).
    func inverse(_ x: UnsafeMutableBufferPointer<Double>) {
        var offset = 0
        for size in blockSizes {
            Self.walshHadamard(UnsafeMutableBufferPointer(rebasing: x[offset..<offset + size]))
            for i in offset..<offset + size { x[i] *= signs[i] }
            offset += size
        }
    }

    /// Orthonormal fast Walsh–Hadamard transform in place, O(B log B). `x.count` is a power of two.
    static func walshHadamard(_ x: UnsafeMutableBufferPointer<Double>) {
        let n = x.count
        var h = 1
        while h < n {
            var i = 0
            while i < n {
                for j in i..<i + h {
                    let a = x[j]
                    let b = x[j + h]
                    x[j] = a + b
                    x[j + h] = a - b
                }
                i += 2 * h
            }
            h *= 2
        }
        let norm = 1 / Double(n).squareRoot()
        for i in 0..<n { x[i] *= norm }
    }
}
