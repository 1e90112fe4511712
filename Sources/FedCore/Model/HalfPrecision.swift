/// Bit-level conversions between `Float` and the 16-bit float formats of safetensors.
///
/// Implemented by bit manipulation so they behave identically on every platform (Swift's `Float16`
/// is unavailable on Intel macOS). Narrowing rounds to nearest, ties to even; values beyond the
/// target's range become ±infinity; NaN stays NaN (quiet).
enum HalfPrecision {
    /// IEEE 754 binary16 bits → `Float` (exact).
    static func floatFromF16(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1f
        let mantissa = UInt32(bits & 0x03ff)
        if exponent == 0x1f {
            // Infinity or NaN: keep the payload, widen the exponent.
            return Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Zero or subnormal: value = mantissa · 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// `Float` → IEEE 754 binary16 bits, round to nearest even.
    static func f16FromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xff)
        let mantissa = bits & 0x007f_ffff
        if exponent == 0xff {
            if mantissa == 0 { return sign | 0x7c00 }
            return sign | 0x7e00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7c00 }
        if unbiased >= -14 {
            // Normal in binary16: drop 13 mantissa bits with round-to-nearest-even.
            var half = UInt32(unbiased + 15) << 10 | (mantissa >> 13)
            let rest = mantissa & 0x1fff
            if rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1) { half += 1 }  // carry may reach infinity: correct
            return sign | UInt16(half)
        }
        if unbiased < -25 { return sign }  // below half the smallest subnormal: rounds to zero
        // Subnormal in binary16: significand (with hidden bit) shifted right.
        let significand = mantissa | 0x0080_0000
        let shift = UInt32(-unbiased - 14 + 13)  // 14…24
        var half = significand >> shift
        let rest = significand & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        if rest > halfway || (rest == halfway && (half & 1) == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// bfloat16 bits → `Float` (exact: bfloat16 is the top half of a binary32).
    static func floatFromBF16(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// `Float` → bfloat16 bits, round to nearest even.
    static func bf16FromFloat(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let lsb = (bits >> 16) & 1
        let rounded = bits &+ 0x7fff &+ lsb
        return UInt16(rounded >> 16)
    }
}
