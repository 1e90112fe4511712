import Foundation
import Testing
@testable import DPNoise

/// Our accountant against Google's dp-accounting 0.6 / distributed-DP reference values (dp_public.csv).
///
/// Target methods (README "Which rows are targets"): RdpAccountant (default or named orders),
/// `_compute_rdp_poisson_subsampled_gaussian`, `improved:`/`classic:` conversions, `RDP(orders=…)+classic_conversion`,
/// `DDG_Thm1_min3`, `DDG_Thm1_term1`, `continuous_Gaussian…`, `ddgauss_epsilon`, `skellam_epsilon`, τ (`10*sum…`),
/// `dp_accounting.calibrate(RDP…)`, `calibrate_dp_mechanism(RDP)` and `clients_per_round`.
/// Skipped here (comparison only for RDP; the PLD and exact-Gaussian rows are checked by PLDAccountantTests): PLD,
/// PRV, GDP, opacus, exact_gaussian_composition, paper:, and
/// `RdpAccountant(REPLACE_SPECIAL)` (DP-FTRL tree, out of scope). Any other method fails the test, so a new kind
/// of target row cannot pass silently.
@Suite struct AccountantReferenceTests {
    enum Outcome { case passed, failed(String), skipped }

    static let rdpTolerance = 1e-6
    static let epsilonTolerance = 1e-3
    static let noiseTolerance = 1e-3

    static func relativeError(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / max(abs(b), 1e-300)
    }

    static func isSkipped(_ method: String) -> Bool {
        let comparisonOnly = ["PLD", "PRV", "GDP", "opacus", "exact_gaussian_composition", "paper:", "REPLACE_SPECIAL"]
        return comparisonOnly.contains { method.contains($0) }
    }

    @Test func everyTargetRowOfTheReferenceTableIsReproduced() throws {
        let rows = try ReferenceCSV.load()
        #expect(rows.count == ReferenceCSV.expectedRowCount, "dp_public.csv rows")
        var passed = 0
        var skipped = 0
        var failures: [String] = []
        var perMethod: [String: (Int, Int)] = [:]
        for row in rows {
            let outcome: Outcome
            if Self.isSkipped(row.method) {
                outcome = .skipped
            } else {
                do { outcome = try Self.check(row) } catch { outcome = .failed("threw \(error)") }
            }
            let key = String(row.method.prefix { $0 != "(" && $0 != "[" })
            switch outcome {
            case .passed:
                passed += 1
                perMethod[key, default: (0, 0)].0 += 1
            case .failed(let why):
                failures.append("\(row.label): \(why)")
                perMethod[key, default: (0, 0)].1 += 1
            case .skipped:
                skipped += 1
            }
        }
        print("AccountantReferenceTests: \(passed) of \(passed + failures.count) target rows passed, "
              + "\(skipped) comparison-only rows skipped")
        for (method, counts) in perMethod.sorted(by: { $0.key < $1.key }) {
            print("  \(method): \(counts.0) passed, \(counts.1) failed")
        }
        for failure in failures { print("  FAIL \(failure)") }
        #expect(passed > 0)
        #expect(failures.isEmpty, "\(failures.count) target rows failed; first: \(failures.first ?? "")")
    }

    // MARK: - Dispatch

    static func check(_ row: ReferenceRow) throws -> Outcome {
        let m = row.method
        switch row.quantity {
        case "rdp" where m.contains("_compute_rdp_poisson_subsampled_gaussian"):
            return try checkRDP(row)
        case "tau" where m.hasPrefix("10*sum"):
            let n = try #require(row.param("n")), s = try #require(row.param("s"))
            let tau = RenyiDP.distributedDiscreteGaussianTau(clients: Int(n), localStddev: s)
            return compare(tau, row.value, rdpTolerance, "tau")
        case "epsilon":
            return try checkEpsilon(row)
        case "noise_multiplier" where m.hasPrefix("dp_accounting.calibrate"):
            return try checkCalibration(row)
        case "clients_per_round":
            return try checkClientsPerRound(row)
        default:
            return .failed("unrecognised target row (quantity \(row.quantity))")
        }
    }

    static func compare(_ ours: Double, _ reference: Double, _ tolerance: Double, _ what: String) -> Outcome {
        if reference.isInfinite { return ours.isInfinite ? .passed : .failed("\(what) \(ours), reference inf") }
        let error = relativeError(ours, reference)
        return error <= tolerance ? .passed : .failed("\(what) \(ours) vs \(reference) (rel \(error))")
    }

    static func checkRDP(_ row: ReferenceRow) throws -> Outcome {
        let alpha = try #require(row.optOrder ?? row.param("alpha"))
        let ours = RenyiDP.poissonSubsampledGaussian(order: alpha, samplingRate: try #require(row.q),
                                                     noiseMultiplier: try #require(row.sigma))
        return compare(ours, row.value, rdpTolerance, "rdp")
    }

    /// Compares ε and the optimal order; a different order passes only when it ties with the reference order.
    static func compareEpsilon(_ row: ReferenceRow, orders: [Double], curve: [Double],
                               rule: RDPConversion.Rule = .improved) throws -> Outcome {
        let delta = try #require(row.delta)
        let ours = try RDPConversion.epsilon(orders: orders, rdp: curve, delta: delta, rule: rule)
        let value = compare(ours.epsilon, row.value, epsilonTolerance, "epsilon")
        guard case .passed = value else { return value }
        guard let reference = row.optOrder, reference != ours.order else { return .passed }
        if let index = orders.firstIndex(of: reference) {
            let atReference = RDPConversion.epsilonAtOrder(alpha: reference, rdp: curve[index], delta: delta,
                                                           rule: rule)
            if relativeError(atReference, ours.epsilon) <= 1e-9 { return .passed }
        }
        return .failed("optimal order \(ours.order), reference \(reference)")
    }

    static func checkEpsilon(_ row: ReferenceRow) throws -> Outcome {
        let m = row.method
        let steps = row.steps ?? 1
        let q = row.q ?? 1
        if m.hasPrefix("dp_accounting.RdpAccountant") || m.hasPrefix("improved:") || m.hasPrefix("classic:")
            || m.contains("classic_conversion")
        {
            let orders = ReferenceCSV.orders(in: m) ?? RDPOrders.dpAccountingDefault
            let rule: RDPConversion.Rule = m.hasPrefix("classic:") || m.contains("classic_conversion")
                ? .classic : .improved
            let rdp = RenyiDP.poissonSubsampledGaussian(orders: orders, samplingRate: q,
                                                        noiseMultiplier: try #require(row.sigma))
            return try compareEpsilon(row, orders: orders, curve: RenyiDP.composed(rdp, steps: steps), rule: rule)
        }
        if m.hasPrefix("continuous_Gaussian") {
            let orders = ReferenceCSV.orders(in: m) ?? RDPOrders.integer2to128And256
            let rdp = RenyiDP.poissonSubsampledGaussian(orders: orders, samplingRate: q,
                                                        noiseMultiplier: try #require(row.sigma))
            return try compareEpsilon(row, orders: orders, curve: RenyiDP.composed(rdp, steps: steps))
        }
        if m.hasPrefix("DDG_Thm1") {
            let n = Int(try #require(row.param("n")))
            let parameters = RenyiDP.DistributedDiscreteGaussian(
                clients: n, localStddev: try #require(row.param("s")), dimension: Int(try #require(row.param("d"))),
                l2Sensitivity: try #require(row.param("D2")), l1Sensitivity: try #require(row.param("D1")))
            let orders = ReferenceCSV.orders(in: m) ?? RDPOrders.integer2to128And256
            let unsampled: (Int) -> Double
            if m.hasPrefix("DDG_Thm1_term1") {
                let (rho, xi) = RenyiDP.distributedDiscreteGaussianZCDP(parameters)
                unsampled = { RenyiDP.zeroConcentrated(order: Double($0), rho: rho, xi: xi) }
            } else {
                unsampled = { RenyiDP.distributedDiscreteGaussian(order: Double($0), parameters) }
            }
            let curve = orders.map { order -> Double in
                let plain = unsampled(Int(order))
                guard q < 1 else { return plain }
                return min(plain, RenyiDP.zhuWangSubsampled(order: Int(order), samplingRate: q, unsampled: unsampled))
            }
            return try compareEpsilon(row, orders: orders, curve: RenyiDP.composed(curve, steps: steps))
        }
        if m.hasPrefix("ddgauss_epsilon") || m.hasPrefix("skellam_epsilon") {
            return try checkDistributed(row, mechanism: m.hasPrefix("ddgauss") ? .ddgauss : .skellam)
        }
        return .failed("unrecognised epsilon method")
    }

    static func checkDistributed(_ row: ReferenceRow, mechanism: DistributedMechanism) throws -> Outcome {
        let configuration = try DistributedDPConfiguration(
            mechanism: mechanism, l2Clip: try #require(row.param("c")), dimension: Int(try #require(row.param("d"))),
            minimumSurvivors: Int(try #require(row.param("n"))), noiseMultiplier: try #require(row.sigma),
            bits: Int(try #require(row.param("bits"))), beta: row.param("beta") ?? DistributedDPConfiguration.defaultBeta)
        let intermediates: [(String, Double)] = [
            ("k", configuration.kStddevs), ("scale", configuration.scale), ("gamma", configuration.gamma),
            ("local_stddev", configuration.localStddev),
            ("local_scaled_s", configuration.localScaledStddev), ("inflated_l2", configuration.inflatedL2),
        ]
        for (key, ours) in intermediates {
            guard let reference = row.param(key) else { continue }
            // local_scaled_s is compared after rounding the variance up to 2^-16 (what the sampler draws).
            let tolerance = key == "local_scaled_s" ? 1e-6 : 1e-9
            if case .failed(let why) = compare(ours, reference, tolerance, key) { return .failed(why) }
        }
        if let referenceTau = row.param("tau"), referenceTau == 0, configuration.tau > 1e-300 {
            return .failed("tau \(configuration.tau), reference 0")
        }
        let curve = RenyiDP.composed(try configuration.rdpCurve(samplingRate: row.q ?? 1), steps: row.steps ?? 1)
        return try compareEpsilon(row, orders: DistributedDPConfiguration.orders, curve: curve)
    }

    static func checkCalibration(_ row: ReferenceRow) throws -> Outcome {
        let orders = ReferenceCSV.orders(in: row.method) ?? RDPOrders.dpAccountingDefault
        let target = try #require(row.param("target_eps") ?? row.param("target_epsilon"))
        let result = try NoiseCalibration.gaussian(targetEpsilon: target, delta: try #require(row.delta),
                                                   samplingRate: row.q ?? 1, steps: row.steps ?? 1, orders: orders)
        return compare(result.noiseMultiplier, row.value, noiseTolerance, "noise_multiplier")
    }

    static func checkClientsPerRound(_ row: ReferenceRow) throws -> Outcome {
        guard let total = row.param("total_clients"),
              let baseZ = row.param("base_noise_multiplier") ?? row.sigma,
              let baseClients = row.param("base_clients_per_round"),
              let target = row.param("target_eps") ?? row.param("target_epsilon")
        else { return .failed("clients_per_round row without total_clients/base_noise_multiplier/base_clients_per_round/target_eps") }
        let orders = ReferenceCSV.orders(in: row.method) ?? RDPOrders.dpAccountingDefault
        let result = try NoiseCalibration.clientsPerRound(
            totalClients: Int(total), baseNoiseMultiplier: baseZ, baseClientsPerRound: Int(baseClients),
            targetEpsilon: target, delta: try #require(row.delta), steps: row.steps ?? Int(row.param("rounds") ?? 1),
            orders: orders)
        return Double(result.clientsPerRound) == row.value
            ? .passed : .failed("clients_per_round \(result.clientsPerRound) vs \(row.value)")
    }
}
