import Foundation

/// Composition of discretised privacy-loss distributions: the PLD of a composition is the convolution of the
/// PLDs (Koskela et al. 2020), computed by FFT.
enum PLDComposition {
    /// Default bound on the finite mass truncated by one composition; it is added to the ∞-mass, so the result
    /// stays an upper bound (dp-accounting uses the same default, 1e-15).
    static let defaultTailBound = PrivacyLossDistribution.defaultTailBound

    /// The T-fold self-composition of each of `pmfs` (one or two, same discretisation), sharing one complex FFT
    /// (two real sequences packed as real and imaginary parts).
    ///
    /// The output window of each is chosen by Chernoff bounds so that at most `tailBound`/2 of the composed
    /// finite mass lies on either side of it; the FFT length only has to cover the window (the input is folded
    /// modulo the length), and the wrapped-around mass (≤ `tailBound`) is charged to the ∞-mass.
    static func selfCompose(_ pmfs: [PrivacyLossPMF], times: Int, tailBound: Double = defaultTailBound)
        -> [PrivacyLossPMF]
    {
        precondition(!pmfs.isEmpty && pmfs.count <= 2 && times >= 1)
        if times == 1 { return pmfs }
        let windows = pmfs.map { window(of: $0, times: times, tailBound: tailBound) }
        let needed = windows.map { $0.upper - $0.lower + 1 }.max() ?? 1
        let n = FourierTransform.paddedLength(needed)
        let fft = FourierTransform(length: n)
        var re = [Double](repeating: 0, count: n)
        var im = [Double](repeating: 0, count: n)
        for (k, m) in pmfs[0].masses.enumerated() { re[k % n] += m }
        if pmfs.count == 2 { for (k, m) in pmfs[1].masses.enumerated() { im[k % n] += m } }
        fft.transform(re: &re, im: &im, inverse: false)
        // |z|^T < e^{-745} underflows to 0 anyway: skip the power there (most of the spectrum for large T).
        let negligible = Foundation.exp(-2 * 745 / Double(times))
        if pmfs.count == 1 {
            for k in 0..<n {
                if re[k] * re[k] + im[k] * im[k] < negligible { (re[k], im[k]) = (0, 0); continue }
                (re[k], im[k]) = power(re[k], im[k], times)
            }
        } else {
            // Z = A + iB with A, B the spectra of the two real inputs: A_k = (Z_k + conj Z_{−k})/2,
            // B_k = (Z_k − conj Z_{−k})/(2i). The output spectrum is A^T + i·B^T (both inverse to real sequences).
            var outRe = [Double](repeating: 0, count: n)
            var outIm = [Double](repeating: 0, count: n)
            for k in 0..<n {
                let j = (n - k) & (n - 1)
                let ar = 0.5 * (re[k] + re[j]), ai = 0.5 * (im[k] - im[j])
                let br = 0.5 * (im[k] + im[j]), bi = -0.5 * (re[k] - re[j])
                let (pr, pi) = ar * ar + ai * ai < negligible ? (0, 0) : power(ar, ai, times)
                let (qr, qi) = br * br + bi * bi < negligible ? (0, 0) : power(br, bi, times)
                outRe[k] = pr - qi
                outIm[k] = pi + qr
            }
            re = outRe
            im = outIm
        }
        fft.transform(re: &re, im: &im, inverse: true)
        return pmfs.enumerated().map { (index, pmf) in
            let source = index == 0 ? re : im
            let w = windows[index]
            let count = w.upper - w.lower + 1
            var masses = [Double](repeating: 0, count: count)
            for k in 0..<count {
                let position = ((w.lower + k) % n + n) % n
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
        -> PrivacyLossPMF
    {
        let count = a.masses.count + b.masses.count - 1
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
            fft.transform(re: &re, im: &im, inverse: false)
            var outRe = [Double](repeating: 0, count: n)
            var outIm = [Double](repeating: 0, count: n)
            for k in 0..<n {
                let j = (n - k) & (n - 1)
                let ar = 0.5 * (re[k] + re[j]), ai = 0.5 * (im[k] - im[j])
                let br = 0.5 * (im[k] + im[j]), bi = -0.5 * (re[k] - re[j])
                outRe[k] = ar * br - ai * bi
                outIm[k] = ar * bi + ai * br
            }
            fft.transform(re: &outRe, im: &outIm, inverse: true)
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
