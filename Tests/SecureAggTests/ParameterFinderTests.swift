import Foundation
import SecureAgg
import Testing

/// One row of `Resources/secagg_params.csv`: Google's finder output for one threat model.
struct ReferenceGraphCase: CustomStringConvertible {
    let clients: Int
    let adversarialRate: Double
    let dropoutRate: Double
    let adversary: AdversaryClass
    let degree: Int
    let threshold: Int

    var description: String {
        "n=\(clients) γ=\(adversarialRate) δ=\(dropoutRate) \(adversary.rawValue) → k=\(degree) t=\(threshold)"
    }

    /// Parses the CSV, refusing any malformed line (a loader that silently skips rows would hide failures).
    static func load() throws -> [ReferenceGraphCase] {
        let url = try #require(Bundle.module.url(forResource: "secagg_params", withExtension: "csv",
                                                 subdirectory: "Resources"))
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(lines.first == "clients,adversarial_rate,dropout_rate,adversary,degree,threshold_max")
        return try lines.dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            try #require(f.count == 6, "bad row \(line)")
            return ReferenceGraphCase(
                clients: try #require(Int(f[0])), adversarialRate: try #require(Double(f[1])),
                dropoutRate: try #require(Double(f[2])), adversary: try #require(AdversaryClass(rawValue: f[3])),
                degree: try #require(Int(f[4])), threshold: try #require(Int(f[5])))
        }
    }
}

@Suite struct ParameterFinderTests {
    @Test func everyReferenceRowMatchesDegreeAndThresholdExactly() throws {
        let cases = try ReferenceGraphCase.load()
        #expect(cases.count == 57)
        var mismatches: [String] = []
        for c in cases {
            let found = try ParameterFinder.find(
                clients: c.clients, adversarialRate: c.adversarialRate, dropoutRate: c.dropoutRate,
                adversary: c.adversary)
            if found != GraphParameters(degree: c.degree, threshold: c.threshold) {
                mismatches.append("\(c): got k=\(found.degree) t=\(found.threshold)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) rows differ:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test func referenceRowsSatisfyTheStructuralInvariants() throws {
        for c in try ReferenceGraphCase.load() {
            let p = try ParameterFinder.find(
                clients: c.clients, adversarialRate: c.adversarialRate, dropoutRate: c.dropoutRate,
                adversary: c.adversary)
            #expect(p.degree % 2 == 0, "\(c)")
            #expect(p.degree >= 2 && p.degree <= c.clients - 2, "\(c)")
            #expect(p.threshold >= 2 && p.threshold <= p.degree, "\(c)")
        }
    }

    // MARK: - Refusals, one per infeasible reason

    static let refusals: [(Int, Double, Double, AdversaryClass, SecureAggError.ParameterSearch)] = [
        (0, 0.1, 0.1, .curious, .tooFewClients(0)),
        (-5, 0.1, 0.1, .curious, .tooFewClients(-5)),
        (1_000_001, 0.1, 0.1, .curious, .tooManyClients(1_000_001)),
        (1000, -0.1, 0.1, .curious, .adversarialRateOutOfRange(-0.1)),
        (1000, 1.0, 0.0, .curious, .adversarialRateOutOfRange(1.0)),
        (1000, 0.1, 1.0, .curious, .dropoutRateOutOfRange(1.0)),
        (1000, 0.1, -1.0, .curious, .dropoutRateOutOfRange(-1.0)),
        (1000, 0.5, 0.5, .curious, .curiousRatesInfeasible(adversarialRate: 0.5, dropoutRate: 0.5)),
        (1000, 0.0, 0.95, .none, .curiousRatesInfeasible(adversarialRate: 0.0, dropoutRate: 0.95)),
        (1000, 0.5, 0.5, .semiMalicious, .semiMaliciousRatesInfeasible(adversarialRate: 0.5, dropoutRate: 0.5)),
        (1000, 0.33, 0.33, .semiMalicious, .semiMaliciousRatesInfeasible(adversarialRate: 0.33, dropoutRate: 0.33)),
        (1000, 0.1, 0.1, .none, .adversarialRateWithoutAdversary(0.1)),
        (1, 0.0, 0.0, .curious, .noParametersFound(clients: 1)),
        (3, 0.0, 0.0, .none, .noParametersFound(clients: 3)),
        (10, 0.45, 0.45, .curious, .noParametersFound(clients: 10)),
    ]

    @Test(arguments: refusals)
    func infeasibleInputIsRefusedWithItsTypedError(
        _ input: (Int, Double, Double, AdversaryClass, SecureAggError.ParameterSearch)
    ) {
        let (n, gamma, delta, adversary, expected) = input
        #expect(throws: expected) {
            try ParameterFinder.find(clients: n, adversarialRate: gamma, dropoutRate: delta, adversary: adversary)
        }
    }

    @Test func notANumberRatesAndBadBitsAreRefused() {
        #expect(throws: SecureAggError.ParameterSearch.self) {
            try ParameterFinder.find(clients: 100, adversarialRate: .nan, dropoutRate: 0.1, adversary: .curious)
        }
        #expect(throws: SecureAggError.ParameterSearch.self) {
            try ParameterFinder.find(clients: 100, adversarialRate: 0.1, dropoutRate: .nan, adversary: .curious)
        }
        #expect(throws: SecureAggError.ParameterSearch.securityBitsOutOfRange(0)) {
            try ParameterFinder.find(
                clients: 100, adversarialRate: 0.1, dropoutRate: 0.1, adversary: .curious, securityBits: 0)
        }
        #expect(throws: SecureAggError.ParameterSearch.correctnessBitsOutOfRange(.infinity)) {
            try ParameterFinder.find(
                clients: 100, adversarialRate: 0.1, dropoutRate: 0.1, adversary: .curious, correctnessBits: .infinity)
        }
    }

    @Test func everyRefusalMessageNamesItsParameter() {
        let named: [(SecureAggError.ParameterSearch, String)] = [
            (.tooFewClients(0), "clients"), (.tooManyClients(2_000_000), "clients"),
            (.adversarialRateOutOfRange(2), "adversarial rate"), (.dropoutRateOutOfRange(2), "dropout rate"),
            (.adversarialRateWithoutAdversary(0.1), "adversarial rate"),
            (.curiousRatesInfeasible(adversarialRate: 0.5, dropoutRate: 0.5), "dropout rate"),
            (.semiMaliciousRatesInfeasible(adversarialRate: 0.5, dropoutRate: 0.5), "dropout rate"),
            (.securityBitsOutOfRange(0), "security bits"), (.correctnessBitsOutOfRange(0), "correctness bits"),
            (.noParametersFound(clients: 4), "clients"),
        ]
        for (error, name) in named {
            #expect(error.description.contains(name), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    // MARK: - Properties that follow from the bounds

    @Test(arguments: [AdversaryClass.curious, .semiMalicious], [100, 1000, 20_000])
    func thresholdExceedsTheAdversarialShareAndStaysBelowTheSurvivingShare(adversary: AdversaryClass, n: Int) throws {
        for (gamma, delta) in [(0.1, 0.1), (0.2, 0.05), (0.05, 0.3), (0.3, 0.2)] {
            guard adversary == .curious || gamma + 2 * delta <= 0.9 else { continue }
            let p = try ParameterFinder.find(
                clients: n, adversarialRate: gamma, dropoutRate: delta, adversary: adversary)
            let k = Double(p.degree)
            let t = Double(p.threshold)
            // Security: t exceeds the expected number of adversarial neighbours (semi-malicious: half the
            // neighbourhood plus half of them). Correctness: t is at most the expected number of survivors.
            let secureFloor = adversary == .curious ? gamma * k : (k + gamma * k) / 2
            #expect(t > secureFloor, "n=\(n) γ=\(gamma) δ=\(delta) \(adversary) k=\(p.degree) t=\(p.threshold)")
            #expect(t <= (1 - delta) * k, "n=\(n) γ=\(gamma) δ=\(delta) \(adversary) k=\(p.degree) t=\(p.threshold)")
        }
    }

    @Test func degreeNeverShrinksAsTheThreatGrows() throws {
        let n = 2000
        var previous = 0
        for gamma in [0.0, 0.05, 0.1, 0.2, 0.3, 0.4] {
            let k = try ParameterFinder.find(clients: n, adversarialRate: gamma, dropoutRate: 0.1, adversary: .curious)
                .degree
            #expect(k >= previous, "γ=\(gamma)")
            previous = k
        }
        previous = 0
        for delta in [0.0, 0.05, 0.1, 0.2, 0.3] {
            let k = try ParameterFinder.find(clients: n, adversarialRate: 0.1, dropoutRate: delta, adversary: .curious)
                .degree
            #expect(k >= previous, "δ=\(delta)")
            previous = k
        }
        for (gamma, delta) in [(0.1, 0.1), (0.3, 0.05), (0.05, 0.3)] {
            let curious = try ParameterFinder.find(
                clients: n, adversarialRate: gamma, dropoutRate: delta, adversary: .curious)
            let malicious = try ParameterFinder.find(
                clients: n, adversarialRate: gamma, dropoutRate: delta, adversary: .semiMalicious)
            #expect(malicious.degree >= curious.degree, "γ=\(gamma) δ=\(delta)")
            #expect(malicious.threshold > curious.threshold, "γ=\(gamma) δ=\(delta)")
        }
    }

    @Test func strongerGuaranteesNeverNeedASmallerGraph() throws {
        var previous = 0
        for bits in [20.0, 40, 60, 80] {
            let k = try ParameterFinder.find(
                clients: 5000, adversarialRate: 0.2, dropoutRate: 0.1, adversary: .curious, securityBits: bits)
                .degree
            #expect(k >= previous, "security bits \(bits)")
            previous = k
        }
        let weak = try ParameterFinder.find(clients: 5000, adversarialRate: 0.2, dropoutRate: 0.1, adversary: .curious)
        let strong = try ParameterFinder.find(
            clients: 5000, adversarialRate: 0.2, dropoutRate: 0.1, adversary: .curious, securityBits: 80)
        #expect(strong.degree > weak.degree)
    }

    @Test func noAdversaryAndNoDropoutGivesTheSmallestGraph() throws {
        for n in [4, 10, 1000, 1_000_000] {
            for adversary in AdversaryClass.allCases {
                let p = try ParameterFinder.find(clients: n, adversarialRate: 0, dropoutRate: 0, adversary: adversary)
                #expect(p == GraphParameters(degree: 2, threshold: 2), "n=\(n) \(adversary)")
            }
        }
    }

    @Test func graphParametersRoundTripThroughJSONWithStableKeys() throws {
        let p = GraphParameters(degree: 92, threshold: 46)
        let data = try JSONEncoder().encode(p)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Int])
        #expect(object == ["degree": 92, "threshold": 46])
        #expect(try JSONDecoder().decode(GraphParameters.self, from: data) == p)
    }
}

@Suite struct DropoutToleranceTests {
    @Test func tinySparseGraphDoesNotTolerateOneDropout() {
        // n = 6, k = 2, t = 2: losing any one of a client's two neighbours breaks it.
        #expect(DropoutTolerance.failureBound(clients: 6, degree: 2, threshold: 2, dropouts: 1) >= 0.5)
    }

    @Test func dropoutsBelowTheSlackNeverFail() {
        #expect(DropoutTolerance.failureBound(clients: 20, degree: 6, threshold: 3, dropouts: 3) == 0)
    }

    @Test func boundMatchesExactCountForSmallCase() {
        // n = 5, k = 2, t = 2, one dropout among the 4 others of a client: P[a neighbour drops] = 2/4.
        let bound = DropoutTolerance.failureBound(clients: 5, degree: 2, threshold: 2, dropouts: 1)
        #expect(abs(bound - min(1, 5 * 0.5)) < 1e-12)
        // n = 10, k = 4, t = 2, 3 dropouts among 9 others: P[X ≥ 3], X ~ H(9, 3, 4) = C(3,3)·C(6,1)/C(9,4) = 6/126.
        let b2 = DropoutTolerance.failureBound(clients: 10, degree: 4, threshold: 2, dropouts: 3)
        #expect(abs(b2 - 10.0 * 6 / 126) < 1e-12)
    }

    @Test func largeCohortFinderParametersTolerateTheirDropoutRate() throws {
        let p = try ParameterFinder.find(clients: 10_000, adversarialRate: 0.05, dropoutRate: 0.1, adversary: .curious)
        let bound = DropoutTolerance.failureBound(
            clients: 10_000, degree: p.degree, threshold: p.threshold, dropouts: 1_000)
        #expect(bound <= 0x1p-20)
    }
}
