import DPNoise
import Foundation
import Testing

/// `SkipSlack.epsilon`: the least ε with epsilonAt(δ − e^ε·S) ≤ ε, checked on an accountant-shaped function with
/// a closed form (ε(δ) = a + √(b·log(1/δ)), non-increasing in δ) and on the edge cases.
@Suite struct SkipSlackTests {
    static func curve(_ d: Double) -> Double { 0.3 + (4 * log(1 / d)).squareRoot() }

    @Test func theResultCertifiesTheGuaranteeAndIsNearlyTheLeast() throws {
        let delta = 1e-5
        for slack in [1e-12, 1e-10, 1e-9, 2e-9] {
            let epsilon = try SkipSlack.epsilon(delta: delta, slack: slack) { d throws(DPNoiseError.Accounting) in Self.curve(d) }
            let rest = delta - exp(epsilon) * slack
            #expect(rest > 0 && Self.curve(rest) <= epsilon, "slack \(slack)")
            #expect(epsilon >= Self.curve(delta))
            // Any ε 1e-6 smaller fails the inequality (the fixed point is the least, up to the relative bump).
            let smaller = epsilon * (1 - 1e-6)
            let smallerRest = delta - exp(smaller) * slack
            #expect(smallerRest <= 0 || Self.curve(smallerRest) > smaller, "slack \(slack)")
            #expect(SkipSlack.delta(epsilon: epsilon, slack: slack) == exp(epsilon) * slack)
        }
    }

    @Test func noSlackIsTheAccountantAndTooMuchSlackIsInfinite() throws {
        let plain = try SkipSlack.epsilon(delta: 1e-5, slack: 0) { d throws(DPNoiseError.Accounting) in Self.curve(d) }
        #expect(plain == Self.curve(1e-5))
        #expect(SkipSlack.delta(epsilon: 3, slack: 0) == 0)
        let hopeless = try SkipSlack.epsilon(delta: 1e-5, slack: 1e-5) { d throws(DPNoiseError.Accounting) in Self.curve(d) }
        #expect(hopeless == .infinity)
    }
}
