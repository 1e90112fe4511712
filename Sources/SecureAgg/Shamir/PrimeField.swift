/// Arithmetic in GF(p) for the Mersenne prime p = 2^61 − 1.
///
/// Why this prime: products of two elements fit a 128-bit `multipliedFullWidth`, and reduction modulo a
/// Mersenne prime is two shifts, a mask and one conditional subtraction — no division. Every element is
/// kept fully reduced in `0 ..< p`. 7-byte (56-bit) secret chunks are always `< p`.
enum PrimeField {
    /// The modulus 2^61 − 1.
    static let p: UInt64 = (1 << 61) - 1

    /// Reduces any `x < 2^62` (or any `x` whose high bits are small) to `0 ..< p`.
    @inline(__always)
    static func reduce(_ x: UInt64) -> UInt64 {
        var r = (x & p) &+ (x >> 61)
        if r >= p { r &-= p }
        return r
    }

    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 { reduce(a &+ b) }

    @inline(__always)
    static func sub(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a &- b : a &+ (p &- b) }

    /// a·b mod p for a, b < p: the 122-bit product x satisfies x ≡ (x mod 2^61) + (x >> 61).
    @inline(__always)
    static func mul(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        let high = (hi << 3) | (lo >> 61)
        return reduce((lo & p) &+ high)
    }

    /// a^e mod p by square-and-multiply.
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
