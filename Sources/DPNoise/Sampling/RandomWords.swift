import Sodium

/// A pool of random 64-bit words drawn in blocks from a ``SecureRandom``, with the unbiased integer draws
/// every exact sampler is built from.
///
/// - The pool is refilled `capacity` words at a time through the generator's `fill(_:)`, so the inner sampling
///   loops are not generic and make one indirect call per block instead of one per draw.
/// - Draws are exact: uniform integers use Lemire's multiply-and-reject method (no modulo bias), wide ranges
///   use masking and rejection.
/// - The words are noise randomness (secret): ``release()`` wipes them. Unused words are discarded.
/// - Not thread-safe; owns raw memory, so every instance must be released exactly once (use
///   ``withRandomWords(_:capacity:_:)``).
struct RandomWords {
    private var source: any SecureRandom
    private let buffer: UnsafeMutableBufferPointer<UInt64>
    private var index: Int
    private var bitPool: UInt64 = 0
    private var bitsLeft: Int = 0
    private var pendingHalf: UInt32 = 0
    private var hasPendingHalf = false

    init(source: any SecureRandom, capacity: Int) {
        self.source = source
        buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(capacity, 8))
        buffer.initialize(repeating: 0)
        index = buffer.count
    }

    /// Wipes and frees the pool and returns the (advanced) generator.
    mutating func release() -> any SecureRandom {
        secureZero(UnsafeMutableRawBufferPointer(buffer))
        buffer.deallocate()
        bitPool = 0
        pendingHalf = 0
        return source
    }

    /// One uniformly random 64-bit word.
    @inline(__always)
    mutating func next() -> UInt64 {
        if index == buffer.count {
            source.fill(UnsafeMutableRawBufferPointer(buffer))
            index = 0
        }
        let value = buffer[index]
        index &+= 1
        return value
    }

    /// One fair random bit.
    @inline(__always)
    mutating func bit() -> Bool {
        if bitsLeft == 0 {
            bitPool = next()
            bitsLeft = 64
        }
        let b = bitPool & 1 == 1
        bitPool >>= 1
        bitsLeft &-= 1
        return b
    }

    /// One uniformly random 32-bit word (each 64-bit word serves two).
    @inline(__always)
    mutating func next32() -> UInt32 {
        if hasPendingHalf {
            hasPendingHalf = false
            return pendingHalf
        }
        let word = next()
        pendingHalf = UInt32(truncatingIfNeeded: word >> 32)
        hasPendingHalf = true
        return UInt32(truncatingIfNeeded: word)
    }

    /// Uniform in `0..<n` for n < 2^32 from 32 random bits (Lemire 2019, exact by rejection). Precondition: n > 0.
    @inline(__always)
    mutating func uniform(below n: UInt32) -> UInt32 {
        var m = UInt64(next32()) &* UInt64(n)
        if UInt32(truncatingIfNeeded: m) < n {
            let threshold = (0 &- n) % n
            while UInt32(truncatingIfNeeded: m) < threshold { m = UInt64(next32()) &* UInt64(n) }
        }
        return UInt32(truncatingIfNeeded: m >> 32)
    }

    /// Uniform in `0..<n` (Lemire 2019, exact by rejection; 32 random bits when n < 2^32). Precondition: `n > 0`.
    @inline(__always)
    mutating func uniform(below n: UInt64) -> UInt64 {
        if n <= UInt64(UInt32.max) { return UInt64(uniform(below: UInt32(truncatingIfNeeded: n))) }
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return m.high
    }

    /// Uniform in `0..<n` for a 128-bit bound (masking and rejection, acceptance ≥ 1/2). Precondition: `n > 0`.
    mutating func uniform(below n: UInt128) -> UInt128 {
        if n <= UInt128(UInt64.max) { return UInt128(uniform(below: UInt64(n))) }
        let mask = UInt128.max >> (n - 1).leadingZeroBitCount
        while true {
            let v = ((UInt128(next()) << 64) | UInt128(next())) & mask
            if v < n { return v }
        }
    }

    /// Bernoulli(`numerator / denominator`); probabilities ≥ 1 return true. Precondition: `denominator > 0`.
    @inline(__always)
    mutating func bernoulli(_ numerator: UInt64, _ denominator: UInt64) -> Bool {
        if numerator >= denominator { return true }
        if numerator == 0 { return false }
        return uniform(below: denominator) < numerator
    }

    /// Bernoulli(`numerator / denominator`) with 128-bit operands. Precondition: `denominator > 0`.
    mutating func bernoulli(_ numerator: UInt128, _ denominator: UInt128) -> Bool {
        if numerator >= denominator { return true }
        if numerator == 0 { return false }
        if denominator <= UInt128(UInt64.max) { return uniform(below: UInt64(denominator)) < UInt64(numerator) }
        return uniformBelow(denominator, isBelow: numerator)
    }

    /// Whether V < `n` for V uniform in `0..<d`, drawing V's low word only when the answer depends on it.
    ///
    /// V = H·2^64 + L is drawn as in ``uniform(below:)-(UInt128)`` (masking and rejection): H is the high word
    /// masked to d's high word's bit length, L a full word. Whether V < d (reject otherwise) and whether V < n
    /// are decided from H alone unless H equals the high word of d or of n, so L — independent of H — is
    /// drawn only then: the result has exactly the distribution of `uniform(below: d) < n`, with about one
    /// word per draw instead of two. Precondition: 0 < n < d, d > 2^64 − 1.
    mutating func uniformBelow(_ d: UInt128, isBelow n: UInt128) -> Bool {
        let dHigh = UInt64(truncatingIfNeeded: d >> 64)
        let dLow = UInt64(truncatingIfNeeded: d)
        let nHigh = UInt64(truncatingIfNeeded: n >> 64)
        let nLow = UInt64(truncatingIfNeeded: n)
        let mask = UInt64.max >> dHigh.leadingZeroBitCount  // dHigh ≥ 1
        while true {
            let high = next() & mask
            if high > dHigh { continue }  // V ≥ d
            if high < dHigh {  // V < d whatever L is
                if high != nHigh { return high < nHigh }
                return next() < nLow
            }
            // high == dHigh: V < d needs L < dLow; then V < n needs nHigh == dHigh and L < nLow.
            let low = next()
            if low >= dLow { continue }
            return nHigh == dHigh && low < nLow
        }
    }
}

/// Runs `body` with a word pool fed by `rng`, then wipes the pool and writes the advanced generator back.
func withRandomWords<R: SecureRandom, T, E: Error>(
    _ rng: inout R, capacity: Int = 512, _ body: (inout RandomWords) throws(E) -> T
) throws(E) -> T {
    var words = RandomWords(source: rng, capacity: capacity)
    let result: Result<T, E>
    do throws(E) {
        result = .success(try body(&words))
    } catch {
        result = .failure(error)
    }
    if let advanced = words.release() as? R { rng = advanced }
    return try result.get()
}
