import DPNoise
import FedAudit
import Foundation
import SecureAgg
import Sodium
import Testing

@testable import FedCore

/// Sampled cohorts (issue 14.3): every round of a run with q < 1 is the same mechanism, planned from the expected
/// cohort qN, whatever its Poisson sample; a sample too small to run is charged and recorded as skipped.
@Suite struct SampledPlanTests {
    /// The issue's run: 40 clients sampled at q = 0.5, 5 rounds, target ε = 4 (it used M = 15, 14, 18 and ended
    /// at ε = 4.00094). With the default M = 18 (close to the expected 20) one client's presence decides whether a
    /// round is skipped with probability η ≈ 0.05 per round: refused before round 1, naming what to change.
    @Test func theIssuesRunIsRefusedBecauseItsSkipSlackIsNotNegligible() throws {
        var settings = SimulationSettings()
        settings.rounds = 5
        settings.samplingRate = 0.5
        settings.noise = .targetEpsilon(4)
        let eta = try RoundPlanner.runSkipSlack(population: 40, settings: settings)
        #expect(eta > 0.01)
        do {
            _ = try RoundPlanner.noiseMultiplier(
                settings: settings, plannedCohort: 20, dimension: 300, skipSlack: eta, population: 40)
            Issue.record("the run was not refused")
        } catch let error {
            let text = error.description
            #expect(text.contains("δ_skip") && text.contains("--sampling-rate 1") && text.contains("not started"), "\(text)")
            #expect(!text.contains("FedCoreError") && !text.contains("FedCore."), "\(text)")
        }
        // A fixed noise multiplier is refused the same way (ε capped by the accountant's at 0.9·δ).
        settings.noise = .noiseMultiplier(1)
        let plan = try RoundPlanner.expectedPlan(
            round: 1, clients: 20, dimension: 300, settings: settings, noiseMultiplier: 1, bits: nil, skipSlack: eta)
        #expect(throws: FedCoreError.self) {
            try RoundPlanner.checkSkipSlack(of: plan, population: 40, settings: settings)
        }
    }

    /// A sampled run whose M sits in the far lower tail of the sample size (1000 clients at q = 0.1, M = 50):
    /// driven through the planner and the recorder as the run loops call them, with realised samples of 100, 40,
    /// 130, 3 and 95 clients. Every round is the same mechanism; the charged ε is the least ε with the
    /// accountant's ε at δ − e^ε·T·η at most ε, so (ε, δ) covers the skipped rounds, and it stays below the target.
    @Test func varyingSamplesGetTheSameMechanismAndTheChargedEpsilonCoversSkips() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = SimulationSettings()
        settings.rounds = 5
        settings.samplingRate = 0.1
        settings.minSurvivors = 50
        settings.noise = .targetEpsilon(4)
        let population = 1000
        let dimension = 300
        let planned = CohortSampling.plannedCohort(population: population, rate: 0.1)
        let eta = try RoundPlanner.runSkipSlack(population: population, settings: settings)
        // Every sample of at least 50 runs, so η is the boundary mass q·P[Bin(999, 0.1) = 49], here ≈ 1e-10.
        let boundary = CohortSampling.skipSlack(population: population, rate: 0.1, minimumCohort: 50)
        #expect(eta > 0 && abs(eta - boundary) <= 1e-9 * boundary, "η \(eta), boundary \(boundary)")
        let (z, bits) = try RoundPlanner.noiseMultiplier(
            settings: settings, plannedCohort: planned, dimension: dimension, skipSlack: eta, population: population)
        let zValue = try #require(z)
        let ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
        var rng = ChaChaRandom.seeded(9)
        let audit = try AuditLog.create(
            at: directory.appendingPathComponent("audit.sqlite"), signer: Ed25519.SecretKey(seed: rng.secureBytes(count: 32)),
            pinned: false, budgetEpsilon: nil, delta: settings.delta)
        var recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
        var plans: [RoundPlan] = []
        var skipped = 0
        for (index, size) in [100, 40, 130, 3, 95].enumerated() {
            let sample = (1...size).map { UInt32($0 * 2 - index % 2) }
            let round = try RoundPlanner.plan(
                round: index + 1, sample: sample, population: population, dimension: dimension, settings: settings,
                noiseMultiplier: zValue, bits: bits, roundSeed: [UInt8](repeating: UInt8(index), count: 32), skipSlack: eta)
            plans.append(round.plan)
            #expect(round.plan.cohort == sample && round.plan.skipSlack == eta)
            switch round {
            case .run(let plan):
                #expect(plan.minSurvivors >= plan.privacy!.minimumSurvivors && plan.minSurvivors <= size)
                var open = try recorder.open(plan, noiseMultiplier: zValue)
                for phase in [Phase.advertiseKeys, .shareKeys, .maskedInput, .consistencyCheck] {
                    try recorder.phaseFinished(open, phase, clients: plan.cohort)
                }
                try recorder.charge(&open)
                try recorder.phaseFinished(open, .unmasking, clients: plan.cohort)
                try recorder.complete(open, survivors: plan.cohort, outputHash: String(repeating: "0", count: 64))
            case .skip(let plan, let reason):
                skipped += 1
                #expect(reason.description.contains("skipped") && reason.description.contains("charged"))
                try recorder.skip(plan, noiseMultiplier: zValue, reason: reason)
            }
        }
        try recorder.closeRun()
        #expect(skipped == 2, "the samples of 40 and 3 clients are below the planned minimum survivors")

        // One mechanism: the same σ, scale, bits, M and divisor in every round, run or skipped.
        let first = try #require(plans.first?.privacy)
        for plan in plans {
            #expect(plan.privacy == first)
            #expect(plan.encoding.noise == plans[0].encoding.noise && plan.encoding.scale == first.scale)
            #expect(plan.encoding.bits == first.bits)
            #expect(plan.fixedDivisor == 0.1 * Double(population))
        }
        #expect(first.minimumSurvivors == 50)

        // The charged ε certifies (ε, δ): the accountant at δ − e^ε·T·η gives at most ε; it lies between the
        // accountant's ε at δ and at δ − 2·δ_skip, and ε ≤ the target.
        let delta = settings.delta
        let accountantAt = { (d: Double) throws -> Double in
            try first.epsilon(samplingRate: 0.1, steps: 5, delta: d, accountant: .pld).epsilon
        }
        let spent = try recorder.spend.epsilon(delta: delta)
        let skipDelta = exp(spent) * 5 * eta
        #expect(skipDelta > 0 && skipDelta < delta / 10)
        #expect(try accountantAt(delta - skipDelta) <= spent)
        #expect(try accountantAt(delta) < spent, "the skipped rounds cost something")
        #expect(spent <= (try accountantAt(delta - 2 * skipDelta)), "and no more than twice their δ would")
        #expect(spent <= 4 * (1 + 1e-9))
        let records = try ledger.chargedRounds
        #expect(records.count == 5 && records.allSatisfy { $0.skipSlack == eta && $0.delta == delta })
        let last = try #require(records.last)
        #expect(abs(last.epsilonCumulative - spent) <= 1e-12 * spent)
        let replayed = try PrivacySpend.replaying(records)
        #expect(abs(try replayed.epsilon(delta: delta) - spent) <= 1e-12 * spent)
        let verification = try AuditVerifier.verify(
            directory.appendingPathComponent("audit.sqlite"), registryServerKey: nil, accountant: DPNoiseAuditAccountant())
        #expect(verification.valid, "\(verification.problems)")
        #expect(abs(verification.epsilonCumulative - spent) <= 1e-9 * spent)
    }

    /// The skip slack counts exactly the sample sizes the planner skips: for every size k, whether
    /// `RoundPlanner.plan(round:sample:…)` runs or skips a sample of k clients is `sampledRound`'s answer, and η
    /// recomputed from those answers (summing the exact pmf over every k) equals `skipSlack`.
    @Test func skipSlackCountsTheSizesThePlannerSkips() throws {
        for (population, q, minSurvivors, dropout) in [(40, 0.5, 18, 0.1), (40, 0.5, nil, 0.1), (60, 0.3, 6, 0.3), (30, 0.2, 2, 0.0)] {
            var settings = SimulationSettings()
            settings.samplingRate = q
            settings.minSurvivors = minSurvivors
            settings.dropoutFraction = dropout
            settings.noise = .noiseMultiplier(1)
            let planned = CohortSampling.plannedCohort(population: population, rate: q)
            let m = try RoundPlanner.noiseBasis(
                plannedCohort: planned, summands: RoundPlanner.summands(plannedCohort: planned, settings: settings),
                settings: settings
            ).minSurvivors
            var runs: [Bool] = []
            for k in 0...population {
                let sample = (0..<k).map { UInt32($0 + 1) }
                let round = try RoundPlanner.plan(
                    round: 1, sample: sample, population: population, dimension: 10, settings: settings, noiseMultiplier: 1,
                    bits: nil, roundSeed: [UInt8](repeating: 0, count: 32), skipSlack: 0)
                if case .run = round { runs.append(true) } else { runs.append(false) }
                #expect(runs[k] == (RoundPlanner.sampledRound(clients: k, minSurvivors: m, settings: settings) != nil))
            }
            var expected = 0.0
            for k in 0..<population where runs[k] != runs[k + 1] {
                expected += q * Self.exactBinomialPMF(trials: population - 1, rate: q, successes: k)
            }
            let eta = RoundPlanner.skipSlack(population: population, minimumSurvivors: m, settings: settings)
            #expect(abs(eta - expected) <= 1e-12 * max(expected, 1e-300) + 1e-40, "N \(population) q \(q) M \(m)")
            #expect(eta >= CohortSampling.skipSlack(population: population, rate: q, minimumCohort: m) * (1 - 1e-12))
        }
    }

    /// P[Bin(n, q) = k] as a product of exact ratios (no lgamma), for the small n of the tests.
    static func exactBinomialPMF(trials n: Int, rate q: Double, successes k: Int) -> Double {
        var p = 1.0
        for j in 0..<k { p *= Double(n - j) / Double(j + 1) * q }
        return p * pow(1 - q, Double(n - k))
    }

    /// The modulus of a sampled run is sized for a sample larger than the expected one (a Bernstein bound at
    /// 2^-20): checked against the exact binomial tail for a few (N, q).
    @Test func summandsBoundIsExceededWithProbabilityAtMostTwoToMinusTwenty() {
        for (population, q) in [(40, 0.5), (1000, 0.1), (3400, 0.03), (100_000, 0.01)] {
            let planned = CohortSampling.plannedCohort(population: population, rate: q)
            let bound = CohortSampling.summandsBound(plannedCohort: planned, rate: q)
            #expect(bound >= planned)
            // P(Bin(N, q) > bound), summed in log space from the exact pmf.
            var tail = 0.0
            if bound < population {
                for k in (bound + 1)...population {
                    let logP = lgamma(Double(population) + 1) - lgamma(Double(k) + 1) - lgamma(Double(population - k) + 1)
                        + Double(k) * log(q) + Double(population - k) * log1p(-q)
                    tail += exp(logP)
                }
            }
            #expect(tail <= 0x1p-20, "N = \(population), q = \(q): bound \(bound), tail \(tail)")
        }
        #expect(CohortSampling.summandsBound(plannedCohort: 17, rate: 1) == 17)
    }

    /// The skip slack q · P[Bin(N − 1, q) = m − 1], against the pmf from exact binomial coefficients.
    @Test func skipSlackIsTheBinomialBoundaryMass() {
        func choose(_ n: Int, _ k: Int) -> Double { (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) } }
        for (population, q, m) in [(12, 0.5, 5), (40, 0.5, 18), (30, 0.2, 3), (30, 0.2, 1)] {
            let k = m - 1
            let exact = q * choose(population - 1, k) * pow(q, Double(k)) * pow(1 - q, Double(population - 1 - k))
            let slack = CohortSampling.skipSlack(population: population, rate: q, minimumCohort: m)
            #expect(abs(slack - exact) <= 1e-12 * exact, "N = \(population), q = \(q), m = \(m)")
        }
        #expect(CohortSampling.skipSlack(population: 10, rate: 0.5, minimumCohort: 11) == 0)
        #expect(CohortSampling.skipSlack(population: 10, rate: 1, minimumCohort: 5) == 0)
    }
}
