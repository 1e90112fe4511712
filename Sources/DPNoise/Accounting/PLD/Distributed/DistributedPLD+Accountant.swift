import Foundation

extension DistributedPLD {
    /// ε at `delta` of composed distributed-DP rounds, by the one rule every composition of them follows: the PLD of
    /// the rounds' Gaussian equivalents when `accountant` is ``Accountant/pld`` and every round has an equivalent,
    /// else `rdp()`. The result names the accountant that computed ε.
    ///
    /// - Parameters:
    ///   - accountant: the accountant asked for.
    ///   - equivalents: each round's Gaussian equivalent, nil for a round that has none; evaluated only when PLD is
    ///     asked for (deriving one verifies a ``UnitShiftGDP``).
    ///   - delta: δ of the guarantee, in (0, 1).
    ///   - skipSlack: S = Σ η ≥ 0 of the rounds' skip events (0 when none): PLD is accounted at δ − e^ε·S as
    ///     ``SkipSlack/epsilon(delta:slack:epsilonAt:)`` charges it; `rdp` accounts its own.
    ///   - discretization: PLD grid step h (nats), > 0.
    ///   - rdp: the rounds' ε at `delta` by RDP, called only when PLD does not apply.
    /// - Returns: ε ≥ 0 (∞ when the slacks use up δ) and ``Accountant/pld`` or ``Accountant/rdp``.
    /// - Throws: the PLD accountant's errors, or what `rdp` throws.
    public static func epsilon(
        accountant: Accountant, equivalents: @autoclosure () -> [GaussianEquivalentRound?], delta: Double,
        skipSlack: Double = 0, discretization: Double = PLDAccountant.defaultDiscretization,
        rdp: () throws(DPNoiseError.Accounting) -> Double
    ) throws(DPNoiseError.Accounting) -> (epsilon: Double, accountant: Accountant) {
        try epsilon(
            accountant: accountant, equivalents: equivalents(), delta: delta, skipSlack: skipSlack,
            discretization: discretization, pldFailure: { $0 }, rdp: rdp)
    }

    /// ``epsilon(accountant:equivalents:delta:skipSlack:discretization:rdp:)`` with an RDP fallback that throws
    /// `Failure`: `pldFailure` turns the PLD accountant's errors into one.
    public static func epsilon<Failure: Error>(
        accountant: Accountant, equivalents: @autoclosure () -> [GaussianEquivalentRound?], delta: Double,
        skipSlack: Double = 0, discretization: Double = PLDAccountant.defaultDiscretization,
        pldFailure: (DPNoiseError.Accounting) -> Failure, rdp: () throws(Failure) -> Double
    ) throws(Failure) -> (epsilon: Double, accountant: Accountant) {
        guard accountant == .pld else { return (try rdp(), .rdp) }
        let all = equivalents()
        let rounds = all.compactMap { $0 }
        guard rounds.count == all.count else { return (try rdp(), .rdp) }
        do throws(DPNoiseError.Accounting) {
            let e = try SkipSlack.epsilon(delta: delta, slack: skipSlack) { d throws(DPNoiseError.Accounting) in
                try DistributedPLD.epsilon(rounds: rounds, delta: d, discretization: discretization)
            }
            return (e, .pld)
        } catch {
            throw pldFailure(error)
        }
    }
}
