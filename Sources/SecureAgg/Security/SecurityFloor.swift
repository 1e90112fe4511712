/// The thresholds below which a dishonest server could unmask one client, and the quorum two conflicting
/// survivor lists cannot both reach. Clients check these themselves before any secret leaves them; planners
/// never produce a round below them.
///
/// **Why these numbers.** A client u splits b_u and s_sk_u among its k neighbours only (it holds no share of
/// its own secrets), one share of each per neighbour. An honest neighbour answers one unmasking request and
/// reveals, for u, either the b-share or the s_sk-share, never both. Up to c colluding neighbours reveal both.
/// A server that shows different neighbours different survivor lists can therefore collect t b-shares and t
/// s_sk-shares of u only if (t − c) + (t − c) ≤ k − c, i.e. 2t ≤ k + c. So t ≥ ⌊(k + c)/2⌋ + 1
/// (``minimumThreshold(degree:colluders:)``) keeps b_u and s_sk_u from ever both being rebuilt, and c < t
/// keeps the colluders from rebuilding either alone.
///
/// In a sparse graph that is not enough on its own: a server could also strip u's pairwise masks through the
/// s_sk of each of u's neighbours, shown as dropped to their other neighbours. The consistency quorum closes
/// that: every honest client signs one survivor list per round, and refuses to unmask unless
/// Q = ⌊(n + c)/2⌋ + 1 valid signatures over its exact list arrive (``consistencyQuorum(cohort:colluders:)``).
/// Two different lists with Q signers each share ≥ 2Q − n ≥ c + 1 signers, one of them honest: impossible.
/// So every honest client that reveals a share does so for the same list, and reveals for each owner the same
/// kind of share as every other honest client.
public enum SecurityFloor {
    /// Smallest Shamir threshold a client accepts: ⌊(k + c)/2⌋ + 1 for degree k and c assumed colluders.
    public static func minimumThreshold(degree k: Int, colluders c: Int) -> Int { (k + c) / 2 + 1 }

    /// Valid signatures over one survivor list a client needs before it reveals any share: ⌊(n + c)/2⌋ + 1
    /// for a cohort of n with c assumed colluders. Signers may be any clients on the list (the client's own
    /// signature counts).
    public static func consistencyQuorum(cohort n: Int, colluders c: Int) -> Int { (n + c) / 2 + 1 }

    /// Checks a round's public parameters against a client's assumption of `colluders` colluding clients.
    ///
    /// - Throws: ``SecureAggError/belowSecurityFloor(threshold:required:degree:colluders:)`` when t is below
    ///   ``minimumThreshold(degree:colluders:)``, c ≥ t, or the quorum exceeds the cohort;
    ///   ``SecureAggError/invalidParameter(_:)`` for a negative `colluders`.
    public static func check(_ configuration: RoundConfiguration, colluders c: Int) throws(SecureAggError) {
        guard c >= 0 else { throw .invalidParameter("colluders must be ≥ 0") }
        let k = configuration.degree
        let t = configuration.threshold
        let required = max(minimumThreshold(degree: k, colluders: c), c + 1)
        guard t >= required, required <= k else {
            throw .belowSecurityFloor(threshold: t, required: required, degree: k, colluders: c)
        }
        let n = configuration.cohort.count
        guard consistencyQuorum(cohort: n, colluders: c) <= n else {
            throw .belowSecurityFloor(threshold: t, required: required, degree: k, colluders: c)
        }
    }

    /// The fewest survivors a round with `n` clients, threshold t and c colluders can complete with: the
    /// survivor list must reach both t and the consistency quorum.
    public static func minimumSurvivors(cohort n: Int, threshold t: Int, colluders c: Int) -> Int {
        max(t, consistencyQuorum(cohort: n, colluders: c))
    }

    /// Whether the complete graph over `n` clients can be made safe against c colluders while tolerating
    /// `dropouts` of them: t = ``minimumThreshold(degree:colluders:)`` for k = n − 1 must leave t share holders
    /// in every neighbourhood (n − 1 − dropouts ≥ t) and the quorum must be reachable (n − dropouts ≥ Q).
    public static func completeGraphIsSafe(cohort n: Int, dropouts d: Int, colluders c: Int) -> Bool {
        guard n >= 2, d >= 0, c >= 0 else { return false }
        let t = max(minimumThreshold(degree: n - 1, colluders: c), c + 1)
        return t <= n - 1 && n - 1 - d >= t && n - d >= consistencyQuorum(cohort: n, colluders: c)
    }

    /// The smallest cohort whose complete graph is safe against `colluders` while tolerating a fraction
    /// `dropoutFraction` of dropouts (⌈F·n⌉ clients), searching up to `limit`; nil if none is.
    public static func smallestSafeCohort(dropoutFraction: Double, colluders c: Int, limit: Int = 10_000) -> Int? {
        guard dropoutFraction >= 0, dropoutFraction < 1, c >= 0, limit >= 2 else { return nil }
        for n in 2...limit {
            let d = Int((dropoutFraction * Double(n)).rounded(.up))
            if completeGraphIsSafe(cohort: n, dropouts: d, colluders: c) { return n }
        }
        return nil
    }
}
