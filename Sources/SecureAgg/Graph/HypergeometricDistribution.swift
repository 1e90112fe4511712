#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number of marked items in a uniform sample without replacement: `sampled` draws from `total` items of
/// which `marked` are marked. Used by ``ParameterFinder`` to bound how many of a client's neighbours are
/// adversarial or surviving.
///
/// Floating point throughout (this is calibration, not sampling): the probability mass is evaluated in log space
/// with `lgamma` so populations up to 10^6 neither overflow nor lose precision, and tails are summed from the far
/// end towards the mode with the pmf ratio recurrence. The arithmetic is kept in the same order as Google's
/// federated-compute `HypergeometricDistribution` so that integer quantiles come out identical.
///
/// Invariant: `0 ≤ marked ≤ total`, `0 ≤ sampled ≤ total` (checked by the failable initializer).
struct HypergeometricDistribution: Sendable {
    let total: Int
    let marked: Int
    let sampled: Int

    init?(total: Int, marked: Int, sampled: Int) {
        guard total >= 0, marked >= 0, sampled >= 0, marked <= total, sampled <= total else { return nil }
        self.total = total
        self.marked = marked
        self.sampled = sampled
    }

    /// P[X = x] (0 outside the support).
    func probability(of x: Double) -> Double { mass(at: x, counting: marked) }

    /// P[X ≤ ⌊x⌋]. Sums whichever tail lies below the mean, so the result keeps relative precision there.
    func cumulative(_ x: Double) -> Double {
        let x = x.rounded(.down)
        let mean = Double(marked) * Double(sampled) / Double(total)
        if x > mean {
            // P[X ≤ x] = 1 − P[unmarked draws ≤ sampled − x − 1].
            return 1 - lowerTail(through: Double(sampled) - x - 1, counting: total - marked)
        }
        return lowerTail(through: x, counting: marked)
    }

    /// An integer quantile rounded away from the median.
    ///
    /// With `upperTail == false`: the largest x with P[X ≤ x] < `probability` (so P[X ≤ x + 1] ≥ it, up to the
    /// cumulative's rounding). With `upperTail == true` it answers the same question for the complement, i.e. the
    /// smallest x with P[X > x] ≤ `probability`; this avoids computing 1 − tiny.
    func quantile(_ probability: Double, upperTail: Bool = false) -> Double {
        var probability = probability
        var upperTail = upperTail
        if probability > 0.5 {
            probability = 1 - probability
            upperTail.toggle()
        }
        if upperTail {
            return Double(sampled) - lowerQuantile(probability, counting: total - marked) - 1
        }
        return lowerQuantile(probability, counting: marked)
    }

    // MARK: - Kernels, parameterised by which class of item is counted

    /// log-space pmf of the number of counted items (out of `counted`) in the sample.
    private func mass(at x: Double, counting counted: Int) -> Double {
        if x < 0 || x > Double(sampled) || x > Double(counted) { return 0 }
        if Double(total) + x < Double(counted + sampled) { return 0 }
        // Summed left to right in this order: ln[C(K, x) C(N−K, n−x) / C(N, n)].
        var logMass = logFactorial(Double(sampled))
        logMass += logFactorial(Double(counted))
        logMass += logFactorial(Double(total - counted))
        logMass += logFactorial(Double(total - sampled))
        logMass -= logFactorial(x)
        logMass -= logFactorial(Double(sampled) - x)
        logMass -= logFactorial(Double(counted) - x)
        logMass -= logFactorial(Double(total))
        logMass -= logFactorial(Double(total - sampled - counted) + x)
        return exp(logMass)
    }

    /// ln(v!) = lgamma(v + 1) for integral v ≥ 0.
    private func logFactorial(_ v: Double) -> Double { lgamma(v + 1) }

    /// Σ_{j ≤ x} pmf(j), walking down from x with pmf(j−1) = pmf(j) · j (N−K−n+j) / ((K−j+1)(n−j+1)) until the
    /// terms no longer change the sum in double precision.
    private func lowerTail(through x: Double, counting counted: Int) -> Double {
        let free = Double(total - counted - sampled)
        var x = x
        var term = mass(at: x, counting: counted)
        var sum = 0.0
        while term > sum * 1e-16 {
            sum += term
            term *= x
            term *= free + x
            term /= Double(counted) - x + 1
            term /= Double(sampled) - x + 1
            x -= 1
        }
        return sum
    }

    /// Starts from a value known to lie below the quantile (the support's lower end or the inverted Hoeffding
    /// bound n(K/N − √(ln(1/q)/(2n)))) and walks up with the pmf ratio recurrence until the cumulative reaches
    /// `probability`; returns the last value whose cumulative is still below it.
    private func lowerQuantile(_ probability: Double, counting counted: Int) -> Double {
        let free = Double(total - counted - sampled)
        let supportBound = Double(counted + sampled - total - 1)
        let hoeffdingBound = Double(sampled)
            * (Double(counted) / Double(total) - (-log(probability) / (2 * Double(sampled))).squareRoot())
        var x = -1.0
        if supportBound > x { x = supportBound }
        if hoeffdingBound > x { x = hoeffdingBound }
        x = x.rounded(.down)

        var cumulative = lowerTail(through: x, counting: counted)
        var term = mass(at: x, counting: counted)
        while cumulative < probability && x < Double(sampled) {
            if term > 0 {
                term /= x + 1
                term /= free + x + 1
                term *= Double(counted) - x
                term *= Double(sampled) - x
            } else {
                term = mass(at: x + 1, counting: counted)
            }
            cumulative += term
            x += 1
        }
        return x - 1
    }
}
