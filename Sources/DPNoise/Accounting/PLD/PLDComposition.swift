import Foundation

/// Composition of discretised privacy-loss distributions: the PLD of a composition is the convolution of the
/// PLDs (Koskela et al. 2020), computed by FFT.
enum PLDComposition {
    /// Default bound on the finite mass truncated by one composition; it is added to the ∞-mass, so the result
    /// stays an upper bound (dp-accounting uses the same default, 1e-15).
    static let defaultTailBound = PrivacyLossDistribution.defaultTailBound

    /// The most grid points one PMF or FFT may hold (2^24 doubles = 128 MiB per array); beyond it the caller is
    /// told to use a coarser discretisation rather than exhausting memory.
    static let maximumPoints = 1 << 24

    /// Throws `invalidParameter(discretization)` when `count` grid points exceed `maximumPoints`.
    static func checkSize(_ count: Int) throws(DPNoiseError.Accounting) {
        guard count <= maximumPoints else {
            throw .invalidParameter(.discretization, reason: "the loss grid would need \(count) points (limit 2^24); use a coarser grid")
        }
    }

    /// The T-fold self-composition of each of `pmfs` (one or two, same discretisation), sharing one complex FFT
    /// (two real sequences packed as real and imaginary parts).
    ///
    /// The output window of each is chosen by Chernoff bounds so that at most `tailBound`/2 of the composed
    /// finite mass lies on either side of it; the FFT length only has to cover the window (the input is folded
    /// modulo the length), and the wrapped-around mass (≤ `tailBound`) is charged to the ∞-mass.
    static func selfCompose(_ pmfs: [PrivacyLossPMF], times: Int, tailBound: Double = defaultTailBound)
        throws(DPNoiseError.Accounting) -> [PrivacyLossPMF]
    {
        precondition(!pmfs.isEmpty && pmfs.count <= 2 && times >= 1)
        if times == 1 { return pmfs }
        let windows = pmfs.map { window(of: $0, times: times, tailBound: tailBound) }
        let needed = windows.map { $0.upper - $0.lower + 1 }.max() ?? 1
        try checkSize(needed)
        let n = FourierTransform.paddedLength(needed)
        let fft = FourierTransform(length: n)
        var re = [Double](repeating: 0, count: n)
        var im = [Double](repeating: 0, count: n)
        for (k, m) in pmfs[0].masses.enumerated() { re[k & (n - 1)] += m }
        if pmfs.count == 2 { for (k, m) in pmfs[1].masses.enumerated() { im[k & (n - 1)] += m } }
        fft.forward(re: &re, im: &im)
        // |z|^T < e^{-745} underflows to 0 anyway: skip the power there (most of the spectrum for large T).
        let negligible = Foundation.exp(-2 * 745 / Double(times))
        @inline(__always) func raise(_ r: Double, _ i: Double) -> (Double, Double) {
            r * r + i * i < negligible ? (0, 0) : power(r, i, times)
        }
        // Frequencies k and j = −k mod n are handled together. With Z = A + iB (A, B the spectra of the two
        // real inputs): A_k = (Z_k + conj Z_j)/2, B_k = (Z_k − conj Z_j)/(2i); the output spectrum is
        // C = A^T + i·B^T, and C_j = conj(A_k^T) + i·conj(B_k^T) since A, B are Hermitian.
        for p in 0..<n {
            let k = fft.position(ofFrequency: p)  // bit reversal is an involution: p holds frequency rev(p)
            let q = fft.position(ofFrequency: (n - k) & (n - 1))
            if q < p { continue }
            let (zr, zi, wr, wi) = (re[p], im[p], re[q], im[q])
            let (ar, ai) = (0.5 * (zr + wr), 0.5 * (zi - wi))
            let (br, bi) = (0.5 * (zi + wi), -0.5 * (zr - wr))
            let (pr, pi) = raise(ar, ai)
            let (qr, qi) = pmfs.count == 2 ? raise(br, bi) : (0, 0)
            (re[p], im[p]) = (pr - qi, pi + qr)
            (re[q], im[q]) = (pr + qi, -pi + qr)
        }
        fft.inverse(re: &re, im: &im)
        return pmfs.enumerated().map { (index, pmf) in
            let source = index == 0 ? re : im
            let w = windows[index]
            let count = w.upper - w.lower + 1
            var masses = [Double](repeating: 0, count: count)
            for k in 0..<count {
                let position = (w.lower + k) & (n - 1)
                masses[k] = max(0, source[position])
            }
            let finiteSurvives = Foundation.exp(Double(times) * Foundation.log1p(-pmf.infinityMass))
            let infinity = min(1, tailBound + (1 - finiteSurvives))
            return PrivacyLossPMF(discretization: pmf.discretization, lowerIndex: pmf.lowerIndex * times + w.lower,
                                  masses: masses, infinityMass: infinity)
        }
    }

    /// The composition of two PMFs with the same discretisation: convolution, then pessimistic truncation of
    /// tails of mass ≤ `tailBound`/2 each (`PrivacyLossPMF.truncatingTails`).
    static func compose(_ a: PrivacyLossPMF, _ b: PrivacyLossPMF, tailBound: Double = defaultTailBound)
        throws(DPNoiseError.Accounting) -> PrivacyLossPMF
    {
        let count = a.masses.count + b.masses.count - 1
        try checkSize(count)
        var masses = [Double](repeating: 0, count: count)
        if a.masses.count * b.masses.count <= 1 << 16 {
            for (i, x) in a.masses.enumerated() where x != 0 {
                for (j, y) in b.masses.enumerated() { masses[i + j] += x * y }
            }
        } else {
            let n = FourierTransform.paddedLength(count)
            let fft = FourierTransform(length: n)
            var re = [Double](repeating: 0, count: n)
            var im = [Double](repeating: 0, count: n)
            for (k, m) in a.masses.enumerated() { re[k] = m }
            for (k, m) in b.masses.enumerated() { im[k] = m }
            fft.forward(re: &re, im: &im)
            // Product spectrum C_k = A_k·B_k (A, B unpacked as in `selfCompose`); C_j = conj(C_k).
            for p in 0..<n {
                let k = fft.position(ofFrequency: p)
                let q = fft.position(ofFrequency: (n - k) & (n - 1))
                if q < p { continue }
                let (zr, zi, wr, wi) = (re[p], im[p], re[q], im[q])
                let (ar, ai) = (0.5 * (zr + wr), 0.5 * (zi - wi))
                let (br, bi) = (0.5 * (zi + wi), -0.5 * (zr - wr))
                let (cr, ci) = (ar * br - ai * bi, ar * bi + ai * br)
                (re[p], im[p]) = (cr, ci)
                (re[q], im[q]) = (cr, -ci)
            }
            fft.inverse(re: &re, im: &im)
            let outRe = re
            for k in 0..<count { masses[k] = max(0, outRe[k]) }
        }
        let infinity = a.infinityMass + b.infinityMass - a.infinityMass * b.infinityMass
        return PrivacyLossPMF(discretization: a.discretization, lowerIndex: a.lowerIndex + b.lowerIndex,
                              masses: masses, infinityMass: min(1, infinity))
            .truncatingTails(bound: tailBound)
    }

    /// (re + i·im)^e by repeated squaring (|re + i·im| ≤ 1 here, so nothing overflows; underflow gives 0).
    @inline(__always)
    static func power(_ re: Double, _ im: Double, _ e: Int) -> (Double, Double) {
        var (br, bi) = (re, im)
        var (rr, ri) = (1.0, 0.0)
        var e = e
        while true {
            if e & 1 == 1 { (rr, ri) = (rr * br - ri * bi, rr * bi + ri * br) }
            e >>= 1
            if e == 0 { break }
            (br, bi) = (br * br - bi * bi, 2 * br * bi)
            if br == 0, bi == 0 { return (0, 0) }
        }
        return (rr, ri)
    }

    /// Index window [lower, upper] (relative to T·lowerIndex) holding all but ≤ tailBound/2 per side of the
    /// T-fold composed finite mass, by the Chernoff bound P(S ≥ s) ≤ exp(T·K(λ) − λs) (K the log-MGF of one
    /// step in index units), minimised over λ on a geometric grid around the Gaussian optimum.
    static func window(of pmf: PrivacyLossPMF, times: Int, tailBound: Double) -> (lower: Int, upper: Int) {
        let count = pmf.masses.count
        let trivialUpper = (count - 1) * times
        guard count > 1, tailBound > 0 else { return (0, trivialUpper) }
        let t = Double(times)
        // A small margin covers the rounding of the MGF sums (relative ~1e-12, times T).
        let logBound = Foundation.log(2 / tailBound) + 1e-3
        let (mean, variance) = pmf.indexMoments()
        let start = variance > 0 ? (2 * logBound / (t * variance)).squareRoot() : 1.0
        func best(sign: Double) -> Double {
            // bound(λ) = (T·K(±λ) + logBound)/λ; quasi-convex in λ, so scan outwards from `start` while it improves.
            func bound(_ lambda: Double) -> Double {
                let k = logMGF(pmf.masses, lambda: sign * lambda, centre: mean)
                return (t * k + logBound) / lambda
            }
            var lambda = start
            var value = bound(lambda)
            for direction in [Double(2).squareRoot(), 1 / Double(2).squareRoot()] {
                var steps = 0
                while steps < 80 {
                    let next = lambda * direction
                    let candidate = bound(next)
                    if !(candidate < value) { break }
                    (lambda, value) = (next, candidate)
                    steps += 1
                }
            }
            return value
        }
        let upperBound = best(sign: 1)
        let lowerBound = best(sign: -1)
        var upper = trivialUpper
        if upperBound.isFinite, upperBound < Double(trivialUpper) { upper = max(0, Int(upperBound.rounded(.up))) }
        var lower = 0
        if lowerBound.isFinite, -lowerBound > 0 { lower = min(upper, Int((-lowerBound).rounded(.down))) }
        return (lower, upper)
    }

    /// log Σ_k m_k e^{λk}, evaluated as λ·c + log Σ_k m_k e^{λ(k − c)} (c the mean index, so the sum is ≥ its
    /// mass by Jensen and cannot underflow to 0); `infinity` when a term overflows. The weights e^{λ(k−c)} are
    /// advanced by multiplication and refreshed with an exact exp every 64 steps.
    static func logMGF(_ masses: [Double], lambda: Double, centre: Double) -> Double {
        var sum = 0.0
        let step = Foundation.exp(lambda)
        masses.withUnsafeBufferPointer { m in
            var k = 0
            while k < m.count {
                var w = Foundation.exp(lambda * (Double(k) - centre))
                let end = min(k + 64, m.count)
                while k < end {
                    sum += m[k] * w
                    w *= step
                    k += 1
                }
            }
        }
        if sum.isNaN || sum == .infinity { return .infinity }
        if sum <= 0 { return -.infinity }
        return lambda * centre + Foundation.log(sum)
    }
}
