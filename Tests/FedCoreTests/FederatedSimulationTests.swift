import DPNoise
import Foundation
import SecAggTestSupport
import Testing

@testable import FedCore

/// End-to-end rounds in one process: SecAgg masking + DP encoding + decoding, against plain oracles.
@Suite struct FederatedSimulationTests {
    static func layout() throws -> ModelLayout {
        try ModelLayout(tensors: [("layer.weight", .f32, [40, 30]), ("layer.bias", .f32, [70])])
    }

    static func settings(seed: UInt64 = 7) -> SimulationSettings {
        var s = SimulationSettings()
        s.rounds = 2
        s.dropoutFraction = 0.25
        s.blockSize = 256
        s.seed = seed
        s.noise = .none
        return s
    }

    static func temporaryURL(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("secagg-\(UUID().uuidString)-\(name)")
    }

    /// The plain average of the survivors' clipped (optionally weighted) updates, computed without any of the
    /// simulation's machinery.
    static func plainAverage(
        of ids: [UInt32], source: SyntheticUpdateSource, clip: Double, weighted: Bool = false, maxWeight: Double = 1000
    ) throws -> [Double] {
        let vectors = try ids.map { VectorNorms.clipped(try source.update(for: $0).delta, toNorm: clip) }
        if weighted {
            let counts = try ids.map { Double(try source.update(for: $0).exampleCount) }
            return PlainFedAvg.weightedMean(vectors, rawWeights: counts, maxWeight: maxWeight)
        }
        return PlainFedAvg.mean(vectors)
    }

    @Test func noDPRoundRecoversThePlainAverageOfSurvivorsWithinTheProvenBound() throws {
        let layout = try Self.layout()
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 11), clients: 8)
        var settings = Self.settings()
        settings.clip = 0.8
        let initial = [Double](repeating: 0.5, count: layout.parameterCount)
        var simulation = try FederatedSimulation(settings: settings, model: initial, source: source, ledger: nil)
        let reports = try simulation.run()
        #expect(reports.count == 2)
        var expectedModel = initial
        for report in reports {
            #expect(report.survivors == 6)  // exactly ⌊0.25·8⌋ = 2 drop
            #expect(report.bits == 32)
            #expect(report.maxAbsError <= report.errorBound)
            #expect(report.errorBound < 1e-4)
        }
        // The last round's average against an independent oracle.
        let last = try #require(reports.last)
        let oracle = try Self.plainAverage(of: last.survivorIDs, source: source, clip: 0.8)
        let recovered = try #require(simulation.lastAverage)
        #expect(VectorNorms.maxAbsDifference(recovered, oracle) <= last.errorBound)
        // Both rounds moved the model by their averages (server lr 1).
        for report in reports {
            let avg = try Self.plainAverage(of: report.survivorIDs, source: source, clip: 0.8)
            for i in expectedModel.indices { expectedModel[i] += avg[i] }
        }
        #expect(VectorNorms.maxAbsDifference(simulation.model, expectedModel) <= 2 * last.errorBound)
    }

    @Test func weightedRoundEqualsTheWeightedMeanOfSurvivors() throws {
        let layout = try Self.layout()
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 5), clients: 6)
        var settings = Self.settings(seed: 3)
        settings.rounds = 1
        settings.weighted = true
        settings.maxWeight = 300  // some example counts (16…512) exceed it and are clipped
        var simulation = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source, ledger: nil)
        let report = try #require(try simulation.run().first)
        let counts = try report.survivorIDs.map { min(max(try source.update(for: $0).exampleCount, 1), 300) }
        #expect(report.examplesTotal == counts.reduce(0, +))
        let oracle = try Self.plainAverage(
            of: report.survivorIDs, source: source, clip: settings.clip, weighted: true, maxWeight: 300)
        let unweighted = try Self.plainAverage(of: report.survivorIDs, source: source, clip: settings.clip)
        let recovered = try #require(simulation.lastAverage)
        #expect(VectorNorms.maxAbsDifference(recovered, oracle) <= report.errorBound)
        // The weighting matters for this data: the plain mean is far from the recovered one.
        #expect(VectorNorms.maxAbsDifference(recovered, unweighted) > 100 * report.errorBound)
    }

    @Test func ledgerChargesEveryRoundWithTheAccountantsEpsilon() throws {
        let layout = try Self.layout()
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 2), clients: 10)
        var settings = Self.settings()
        settings.rounds = 3
        settings.dropoutFraction = 0.2
        settings.noise = .noiseMultiplier(1.2)
        let url = Self.temporaryURL("ledger.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let ledger = try PrivacyLedger.open(url)
        var simulation = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source,
            ledger: ledger)
        let reports = try simulation.run()
        let records = try ledger.records()
        #expect(records.map(\.kind) == [.roundCharged, .roundCompleted, .roundCharged, .roundCompleted,
                                        .roundCharged, .roundCompleted])
        let charged = try ledger.chargedRounds
        // Identical parameters every round: cumulative ε after T rounds is the accountant's T-fold value.
        let first = try #require(charged.first)
        let configuration = try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: first.clip, dimension: first.dimension, minimumSurvivors: first.minSurvivors,
            colludingClients: 1, maximumSummands: first.clients, noiseMultiplier: 1.2, bits: first.bits)
        #expect(first.colludingClients == 1)  // ⌈0.05 · 10⌉: the parameter finder's adversarial rate
        for (t, record) in charged.enumerated() {
            let expected = try configuration.epsilon(samplingRate: 1, steps: t + 1, delta: settings.delta, accountant: .pld).epsilon
            #expect(abs(record.epsilonCumulative - expected) <= 1e-9 * expected)
            #expect(abs(reports[t].epsilon - expected) <= 1e-9 * expected)
        }
        #expect(first.minSurvivors == 8)  // n − ⌈0.2·10⌉
        // The measured error is the DP noise: its RMS over 1,270 coordinates matches the reported stddev
        // (relative standard error of an RMS over ~1,300 Gaussian draws ≈ 2 %; rounding adds far less).
        for report in reports {
            #expect(report.noiseStddev > 0)
            #expect(abs(report.rmsError / report.noiseStddev - 1) < 0.1)
        }
        #expect(first.dimension == 1280)  // padded: 4 blocks of 256 + the last 246 padded to 256
    }

    @Test func roundThatWouldExceedTheBudgetIsRefusedBeforeItStarts() throws {
        let layout = try Self.layout()
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 2), clients: 6)
        var settings = Self.settings()
        settings.rounds = 1
        settings.noise = .noiseMultiplier(1.0)
        let url = Self.temporaryURL("ledger.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let ledger = try PrivacyLedger.open(url)
        var first = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source, ledger: ledger)
        let spent = try #require(try first.run().first).epsilon
        let before = try ledger.records().count
        settings.budgetEpsilon = spent * 1.01  // any second round pushes the composed ε past this
        var second = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source, ledger: ledger)
        #expect {
            _ = try second.run()
        } throws: { error in
            // Found before the run's first round (the planned rounds cannot fit), or at the round itself.
            if case let FedCoreError.runExceedsBudget(rounds, spentSoFar, needed, budget) = error {
                return rounds == 1 && abs(spentSoFar - spent) < 1e-12 && needed > budget
            }
            guard case let FedCoreError.budgetExhausted(round, spentSoFar, needed, budget) = error else { return false }
            return round == 2 && abs(spentSoFar - spent) < 1e-12 && needed > budget
        }
        #expect(try ledger.records().count == before)  // nothing charged, nothing recorded
    }

    @Test func tooFewSurvivorsFailsTheRoundWithoutChargingIt() throws {
        let layout = try Self.layout()
        let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: 2), clients: 8)
        var settings = Self.settings()
        settings.rounds = 1
        settings.noise = .noiseMultiplier(1.0)
        settings.minSurvivors = 7  // 2 of 8 drop, so only 6 arrive
        let url = Self.temporaryURL("ledger.jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let ledger = try PrivacyLedger.open(url)
        var simulation = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source, ledger: ledger)
        #expect {
            _ = try simulation.run()
        } throws: { error in
            guard case let FedCoreError.tooFewSurvivors(_, survivors, required) = error else { return false }
            return survivors == 6 && required == 7
        }
        let records = try ledger.records()
        #expect(records.map(\.kind) == [.roundFailed])
        if case let .roundFailed(failed) = records.first { #expect(failed.charged == false) }
        #expect(simulation.model == .init(repeating: 0, count: layout.parameterCount))  // model unchanged
    }

    @Test func updateWithAnotherLayoutIsRejectedBeforeMasking() throws {
        let layout = try Self.layout()
        let directory = Self.temporaryURL("updates")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try SyntheticUpdates(layout: layout, seed: 1).write(clients: 3, to: directory)
        let other = try ModelLayout(tensors: [("layer.weight", .f32, [40, 30]), ("layer.bias", .f32, [71])])
        _ = try SafetensorsWriter.write(
            try other.unflatten(.init(repeating: 0.1, count: other.parameterCount)),
            to: directory.appendingPathComponent("client-0004.safetensors"))
        let source = try DirectoryUpdateSource(directory: directory, layout: layout)
        var settings = Self.settings()
        settings.rounds = 1
        settings.dropoutFraction = 0
        var simulation = try FederatedSimulation(
            settings: settings, model: .init(repeating: 0, count: layout.parameterCount), source: source, ledger: nil)
        #expect {
            _ = try simulation.run()
        } throws: { error in
            guard case let FedCoreError.update(.invalidUpdate(path, detail)) = error else { return false }
            return path.hasSuffix("client-0004.safetensors") && detail.contains("layer.bias")
        }
    }
}
