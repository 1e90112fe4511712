import Foundation

/// The pessimistic "connect the dots" discretisation (Doroshenko, Ghazi, Kamath, Kumar, Manurangsi 2022,
/// Algorithm 1) on a fixed grid of losses ε_i = (lowerIndex + i)·h.
///
/// Given the mechanism's hockey-stick curve δ_i = δ(ε_i), it returns the PLD whose δ-curve, as a function of
/// e^ε, is the piecewise-linear interpolation through the points (e^{ε_i}, δ_i) and (0, 1). The true curve is
/// convex in e^ε, so the interpolation lies above it: the result dominates the mechanism for every ε, for any
/// choice of grid points. Mass δ_n (the last point's δ) goes to +∞.
enum ConnectTheDots {
    /// Builds the PMF from `deltas` (δ at consecutive grid losses starting at `lowerIndex`·h).
    /// Small increases in `deltas` from rounding are removed by a running minimum; negative masses are clipped.
    static func pessimisticPMF(discretization h: Double, lowerIndex: Int, deltas input: [Double]) -> PrivacyLossPMF {
        precondition(!input.isEmpty)
        var deltas = input
        for i in 1..<deltas.count where deltas[i] > deltas[i - 1] { deltas[i] = deltas[i - 1] }
        let n = deltas.count
        guard n > 1 else {
            return PrivacyLossPMF(discretization: h, lowerIndex: lowerIndex, masses: [1 - deltas[0]],
                                  infinityMass: deltas[0])
        }
        let up = Foundation.expm1(h)
        let down = Foundation.expm1(-h)
        let growth = Foundation.exp(h)
        var masses = [Double](repeating: 0, count: n)
        masses[0] = 1 - deltas[0] + (deltas[1] - deltas[0]) / up
        for i in 1..<(n - 1) {
            masses[i] = ((deltas[i + 1] - deltas[i]) - growth * (deltas[i] - deltas[i - 1])) / up
        }
        masses[n - 1] = (deltas[n - 1] - deltas[n - 2]) / down
        for i in 0..<n where !(masses[i] > 0) { masses[i] = 0 }
        return PrivacyLossPMF(discretization: h, lowerIndex: lowerIndex, masses: masses,
                              infinityMass: deltas[n - 1])
    }
}
