import Foundation

/// An in-place radix-2 complex FFT on split real/imaginary arrays (accounting only; no external dependency).
///
/// The forward transform (decimation in frequency) leaves the spectrum in bit-reversed order and the inverse
/// (decimation in time) reads it back in that order, so no permutation pass is ever made; pointwise work on
/// the spectrum finds frequency k at `position(ofFrequency:)`. Stages whose butterfly groups fit a cache-sized
/// block run block by block. Lengths are powers of two; twiddles are computed once per transform object.
struct FourierTransform {
    /// The transform length, a power of two ≥ 1.
    let length: Int
    /// log2(length).
    let bits: Int
    /// cos(2πk/N) and −sin(2πk/N) for k < N/2: the forward twiddles e^{−2πik/N}.
    private let cosines: [Double]
    private let sines: [Double]

    /// Complex elements per cache block (2^12 × 16 bytes = 64 KiB).
    static let cacheBlock = 1 << 12

    /// Precondition: `length` is a power of two ≥ 1 (callers round up with `paddedLength`).
    init(length: Int) {
        self.length = length
        bits = length.trailingZeroBitCount
        let half = max(length / 2, 1)
        var c = [Double](repeating: 1, count: half)
        var s = [Double](repeating: 0, count: half)
        // Evaluated on the first octant only and filled by symmetry (cos(π/2 − θ) = sin θ, cos(π − θ) = −cos θ),
        // so every entry is a correctly rounded cos or sin.
        let eighth = length / 8
        if eighth >= 1 {
            for k in 0...eighth {
                let angle = 2 * Double.pi * Double(k) / Double(length)
                let (cosine, sine) = (Foundation.cos(angle), Foundation.sin(angle))
                c[k] = cosine; s[k] = -sine
                let mirrored = 2 * eighth - k  // π/2 − θ
                if mirrored < half { c[mirrored] = sine; s[mirrored] = -cosine }
                let second = 2 * eighth + k  // π/2 + θ
                if second < half { c[second] = -sine; s[second] = -cosine }
                let third = 4 * eighth - k  // π − θ
                if third < half { c[third] = -cosine; s[third] = -sine }
            }
        } else {
            for k in 0..<half {
                let angle = 2 * Double.pi * Double(k) / Double(length)
                c[k] = Foundation.cos(angle)
                s[k] = -Foundation.sin(angle)
            }
        }
        cosines = c
        sines = s
    }

    /// The smallest power of two ≥ `minimum` (≥ 1).
    static func paddedLength(_ minimum: Int) -> Int {
        var n = 1
        while n < minimum { n <<= 1 }
        return n
    }

    /// Where the forward transform leaves frequency k (0 ≤ k < length): the bit reversal of k.
    @inline(__always)
    func position(ofFrequency k: Int) -> Int {
        guard bits > 0 else { return 0 }
        let x = UInt32(truncatingIfNeeded: k)
        let t = Self.byteReversal
        let r = UInt32(t[Int(x & 0xff)]) << 24 | UInt32(t[Int((x >> 8) & 0xff)]) << 16
            | UInt32(t[Int((x >> 16) & 0xff)]) << 8 | UInt32(t[Int(x >> 24)])
        return Int(r >> UInt32(32 - bits))
    }

    private static let byteReversal: [UInt8] = (0..<256).map { (value: Int) -> UInt8 in
        var v = UInt8(value), r: UInt8 = 0
        for _ in 0..<8 { r = (r << 1) | (v & 1); v >>= 1 }
        return r
    }

    /// Forward DFT X_k = Σ_j x_j e^{−2πijk/N} in place; X_k ends at `position(ofFrequency: k)`.
    /// Precondition: both arrays have `length` elements.
    func forward(re: inout [Double], im: inout [Double]) {
        let n = length
        guard n > 1 else { return }
        let block = min(n, Self.cacheBlock)
        re.withUnsafeMutableBufferPointer { x in
            im.withUnsafeMutableBufferPointer { y in
                cosines.withUnsafeBufferPointer { c in
                    sines.withUnsafeBufferPointer { s in
                        var size = n
                        while size > block {
                            Self.frequencyStage(x, y, c, s, n: n, size: size, from: 0, to: n)
                            size >>= 1
                        }
                        var start = 0
                        while start < n {
                            var size = block
                            while size >= 2 {
                                Self.frequencyStage(x, y, c, s, n: n, size: size, from: start, to: start + block)
                                size >>= 1
                            }
                            start += block
                        }
                    }
                }
            }
        }
    }

    /// Inverse DFT x_j = (1/N) Σ_k X_k e^{+2πijk/N} in place, reading X_k at `position(ofFrequency: k)` and
    /// leaving x in natural order. Precondition: both arrays have `length` elements.
    func inverse(re: inout [Double], im: inout [Double]) {
        let n = length
        guard n > 1 else { return }
        let block = min(n, Self.cacheBlock)
        re.withUnsafeMutableBufferPointer { x in
            im.withUnsafeMutableBufferPointer { y in
                cosines.withUnsafeBufferPointer { c in
                    sines.withUnsafeBufferPointer { s in
                        var start = 0
                        while start < n {
                            var size = 2
                            while size <= block {
                                Self.timeStage(x, y, c, s, n: n, size: size, from: start, to: start + block)
                                size <<= 1
                            }
                            start += block
                        }
                        var size = block * 2
                        while size <= n {
                            Self.timeStage(x, y, c, s, n: n, size: size, from: 0, to: n)
                            size <<= 1
                        }
                        let scale = 1 / Double(n)
                        for i in 0..<n {
                            x[i] *= scale
                            y[i] *= scale
                        }
                    }
                }
            }
        }
    }

    /// Decimation-in-frequency stage (forward twiddles): (a, b) → (a + b, (a − b)·w).
    @inline(__always)
    private static func frequencyStage(_ x: UnsafeMutableBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
                                       _ c: UnsafeBufferPointer<Double>, _ s: UnsafeBufferPointer<Double>,
                                       n: Int, size: Int, from: Int, to: Int) {
        let half = size / 2
        let stride = n / size
        var start = from
        while start < to {
            var k = 0
            for m in start..<(start + half) {
                let a = m + half
                let (dr, di) = (x[m] - x[a], y[m] - y[a])
                x[m] += x[a]
                y[m] += y[a]
                let (wr, wi) = (c[k], s[k])
                x[a] = dr * wr - di * wi
                y[a] = dr * wi + di * wr
                k += stride
            }
            start += size
        }
    }

    /// Decimation-in-time stage (conjugate twiddles): t = w̄·b; (a, b) → (a + t, a − t).
    @inline(__always)
    private static func timeStage(_ x: UnsafeMutableBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
                                  _ c: UnsafeBufferPointer<Double>, _ s: UnsafeBufferPointer<Double>,
                                  n: Int, size: Int, from: Int, to: Int) {
        let half = size / 2
        let stride = n / size
        var start = from
        while start < to {
            var k = 0
            for m in start..<(start + half) {
                let a = m + half
                let (wr, wi) = (c[k], -s[k])
                let tr = wr * x[a] - wi * y[a]
                let ti = wr * y[a] + wi * x[a]
                x[a] = x[m] - tr
                y[a] = y[m] - ti
                x[m] += tr
                y[m] += ti
                k += stride
            }
            start += size
        }
    }
}
