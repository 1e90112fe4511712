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
    /// The run: 40 clients sampled at q = 0.5, 5 rounds, target ε = 4 (it used M = 15, 14, 18 and ended
    /// at ε = 4.00094). Driven through the planner and the recorder as the run loops call them, with realised
    /// samples of 20, 15, 26, 3 and 18 clients.
    @Test func varyingSamplesGetTheSameMechanismAndTheChargedEpsilonIsTheAccountants() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = SimulationSettings()
        settings.rounds = 5
        settings.samplingRate = 0.5
        settings.noise = .targetEpsilon(4)
        let population = 40
        let dimension = 300
        let planned = CohortSampling.plannedCohort(population: population, rate: 0.5)
        let (z, bits) = try RoundPlanner.noiseMultiplier(settings: settings, plannedCohort: planned, dimension: dimension)
        let ledger = try PrivacyLedger.open(directory.appendingPathComponent("run.ledger"))
        var rng = ChaChaRandom.seeded(9)
        let audit = try AuditLog.create(
            at: directory.appendingPathComponent("audit.sqlite"), signer: Ed25519.SecretKey(seed: rng.secureBytes(count: 32)),
            pinned: false, budgetEpsilon: nil, delta: settings.delta)
        var recorder = try RoundRecorder(settings: settings, ledger: ledger, audit: audit)
        var plans: [RoundPlan] = []
        var skipped = 0
        for (index, size) in [20, 15, 26, 3, 18].enumerated() {
            let sample = (1...size).map { UInt32($0 * 2 - index % 2) }
            let round = try RoundPlanner.plan(
                round: index + 1, sample: sample, population: population, dimension: dimension, settings: settings,
                noiseMultiplier: z, bits: bits, roundSeed: [UInt8](repeating: UInt8(index), count: 32))
            plans.append(round.plan)
            #expect(round.plan.cohort == sample)
            switch round {
            case .run(let plan):
                #expect(plan.minSurvivors >= plan.privacy!.minimumSurvivors && plan.minSurvivors <= size)
                var open = try recorder.open(plan, noiseMultiplier: z)
                for phase in [Phase.advertiseKeys, .shareKeys, .maskedInput, .consistencyCheck] {
                    try recorder.phaseFinished(open, phase, clients: plan.cohort)
                }
                try recorder.charge(&open)
                try recorder.phaseFinished(open, .unmasking, clients: plan.cohort)
                try recorder.complete(open, survivors: plan.cohort, outputHash: String(repeating: "0", count: 64))
            case .skip(let plan, let reason):
                skipped += 1
                #expect(reason.description.contains("skipped") && reason.description.contains("charged"))
                try recorder.skip(plan, noiseMultiplier: z, reason: reason)
            }
        }
        try recorder.closeRun()
        #expect(skipped >= 2, "the samples of 15 and 3 clients are below the planned minimum survivors")

        // One mechanism: the same σ, scale, bits, M and divisor in every round, run or skipped.
        let first = try #require(plans.first?.privacy)
        for plan in plans {
            #expect(plan.privacy == first)
            #expect(plan.encoding.noise == plans[0].encoding.noise && plan.encoding.scale == first.scale)
            #expect(plan.encoding.bits == first.bits)
            #expect(plan.fixedDivisor == 0.5 * Double(population))
            #expect(try plan.divisor(sum: [], survivors: plan.cohort.count) == 20)
        }
        // Sized from the expected cohort: M and the honest shares are those of a fixed cohort of qN = 20.
        let expected = try RoundPlanner.plan(
            round: 1, cohort: (1...20).map { UInt32($0) }, dimension: dimension, settings: settings, noiseMultiplier: z,
            bits: bits, roundSeed: [UInt8](repeating: 0, count: 32))
        #expect(first.minimumSurvivors == expected.minSurvivors)

        // Every round charged (skips included); cumulative ε = the accountant's for (q, σ, rounds) ≤ the target.
        let accountant = try first.epsilon(samplingRate: 0.5, steps: 5, delta: settings.delta).epsilon
        #expect(try ledger.chargedRounds.count == 5)
        let spent = try recorder.spend.epsilon(delta: settings.delta)
        #expect(abs(spent - accountant) <= 1e-12 * accountant)
        #expect(spent <= 4 * (1 + 1e-9))
        let replayed = try PrivacySpend.replaying(try ledger.chargedRounds)
        #expect(abs(try replayed.epsilon(delta: settings.delta) - accountant) <= 1e-12 * accountant)
        let verification = try AuditVerifier.verify(
            directory.appendingPathComponent("audit.sqlite"), registryServerKey: nil, accountant: DPNoiseAuditAccountant())
        #expect(verification.valid, "\(verification.problems)")
        #expect(abs(verification.epsilonCumulative - accountant) <= 1e-9 * accountant)
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
