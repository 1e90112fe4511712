/// Arithmetic in GF(p) for the Mersenne prime p = 2^61 − 1.
///
/// Why this prime: products of two elements fit a 128-bit `multipliedFullWidth`, and reduction modulo a
/// Mersenne prime is two shifts, a mask and one conditional subtraction — no division. Every element is
/// kept fully reduced in `0 ..< p`. 7-byte (56-bit) secret chunks are always `< p`.
///
/// Constant time: `reduce`, `add`, `sub` and `mul` never branch on their operands (the conditional subtraction
/// is a mask), so splitting and reconstructing secrets takes time independent of the secret values. `pow` and
/// `inverse` branch on the exponent, which is public (p − 2, Lagrange denominators of public points);
/// `random` rejects only the value p (probability 2^-61).
enum PrimeField {
    /// The modulus 2^61 − 1.
    static let p: UInt64 = (1 << 61) - 1

    /// Reduces any `x < 2^62` (or any `x` whose high bits are small) to `0 ..< p`.
    @inline(__always)
    static func reduce(_ x: UInt64) -> UInt64 {
        let r = (x & p) &+ (x >> 61)  // < 2^61 + 2^3 for x < 2^64
        return conditionalSubtractP(r)
    }

    /// r − p if r ≥ p, else r, for r < 2^63, without a branch: r − p wraps (top bit 1) exactly when r < p.
    @inline(__always)
    static func conditionalSubtractP(_ r: UInt64) -> UInt64 {
        let t = r &- p
        let keep = 0 &- (t >> 63)  // all ones when r < p
        return (r & keep) | (t & ~keep)
    }

    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 { reduce(a &+ b) }

    @inline(__always)
    static func sub(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let d = a &- b  // a, b < p < 2^61: the top bit is set exactly when a < b
        return d &+ (p & (0 &- (d >> 63)))
    }

    /// a·b mod p for a, b < p: the 122-bit product x satisfies x ≡ (x mod 2^61) + (x >> 61).
    @inline(__always)
    static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        let high = (hi << 3) | (lo >> 61)
        return reduce((lo & p) &+ high)
    }

    /// a^e mod p by square-and-multiply (branches on `e`: use only with a public exponent).
    static func pow(_ a: UInt64, _ e: UInt64) -> UInt64 {
        var result: UInt64 = 1
        var base = a
        var e = e
        while e > 0 {
            if e & 1 == 1 { result = mul(result, base) }
            base = mul(base, base)
            e >>= 1
        }
        return result
    }

    /// Multiplicative inverse by Fermat (a^(p−2)); `a` must be non-zero.
    static func inverse(_ a: UInt64) -> UInt64 { pow(a, p - 2) }

    /// A uniform element of GF(p): 61 random bits, rejected when equal to p (probability 2^-61).
    static func random(using rng: inout some RandomNumberGenerator) -> UInt64 {
        while true {
            let v = rng.next() >> 3
            if v < p { return v }
        }
    }
}
