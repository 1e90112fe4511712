import Foundation

/// An in-place iterative radix-2 complex FFT on split real/imaginary arrays (accounting only; no external
/// dependency). Lengths are powers of two; the twiddle table is computed once per length.
struct FourierTransform {
    /// The transform length, a power of two ≥ 1.
    let length: Int
    private let cosines: [Double]
    private let sines: [Double]

    /// Precondition: `length` is a power of two ≥ 1 (callers round up with `paddedLength`).
    init(length: Int) {
        self.length = length
        let half = max(length / 2, 1)
        var c = [Double](repeating: 1, count: half)
        var s = [Double](repeating: 0, count: half)
        // w_k = e^{−2πik/N} for k < N/2; evaluated on the first octant only and filled by symmetry
        // (cos(π/2 − θ) = sin θ, cos(π − θ) = −cos θ), so every entry is a correctly rounded cos or sin.
        let eighth = length / 8
        if eighth >= 1 {
            for k in 0...eighth {
                let angle = 2 * Double.pi * Double(k) / Double(length)
                let (cosine, sine) = (Foundation.cos(angle), Foundation.sin(angle))
                c[k] = cosine; s[k] = -sine
                let mirrored = 2 * eighth - k  // angle π/2 − θ
                if mirrored < half { c[mirrored] = sine; s[mirrored] = -cosine }
                let second = 2 * eighth + k  // angle π/2 + θ
                if second < half { c[second] = -sine; s[second] = -cosine }
                let third = 4 * eighth - k  // angle π − θ
                if third < half, third >= 0 { c[third] = -cosine; s[third] = -sine }
            }
        } else {
            for k in 0..<half {
                let angle = -2 * Double.pi * Double(k) / Double(length)
                c[k] = Foundation.cos(angle)
                s[k] = Foundation.sin(angle)
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

    /// Forward (e^{−2πikn/N}) or inverse (e^{+2πikn/N}, scaled by 1/N) transform of (re, im), in place.
    /// Precondition: both arrays have `length` elements.
    func transform(re: inout [Double], im: inout [Double], inverse: Bool) {
        let n = length
        guard n > 1 else { return }
        re.withUnsafeMutableBufferPointer { x in
            im.withUnsafeMutableBufferPointer { y in
                cosines.withUnsafeBufferPointer { c in
                    sines.withUnsafeBufferPointer { s in
                        Self.butterflies(x, y, c, s, n: n, inverse: inverse)
                    }
                }
            }
        }
        if inverse {
            let scale = 1 / Double(n)
            for i in 0..<n {
                re[i] *= scale
                im[i] *= scale
            }
        }
    }

    private static func butterflies(_ x: UnsafeMutableBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>,
                                    _ c: UnsafeBufferPointer<Double>, _ s: UnsafeBufferPointer<Double>,
                                    n: Int, inverse: Bool) {
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j |= bit
            if i < j {
                x.swapAt(i, j)
                y.swapAt(i, j)
            }
        }
        let sign: Double = inverse ? -1 : 1
        var size = 2
        while size <= n {
            let half = size / 2
            let stride = n / size
            var start = 0
            while start < n {
                var k = 0
                for m in start..<(start + half) {
                    let wr = c[k]
                    let wi = sign * s[k]
                    let a = m + half
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
            size <<= 1
        }
    }
}
