import DPNoise
import Foundation
import Testing

@testable import FedCore

/// The client's own privacy policy (issue 12): the client computes each round's ε from the announcement and
/// refuses what breaks its rules, across runs through its ledger.
@Suite struct ClientPolicyTests {
    /// A realistic DDGauss round: the encoding a planner derives for 10 survivors at z = 1.
    static func configuration(z: Double = 1, survivors: Int = 10, colluders: Int = 0) throws
        -> DistributedDPConfiguration
    {
        try DistributedDPConfiguration(
            mechanism: .ddgauss, l2Clip: 1, dimension: 1024, minimumSurvivors: survivors,
            colludingClients: colluders, maximumSummands: survivors, noiseMultiplier: z, bits: 20)
    }

    static func encoding(_ c: DistributedDPConfiguration, noise: Bool = true) -> EncodingParameters {
        let v = c.localScaledVariance
        return EncodingParameters(
            dimension: 1000, blockSize: 1024, l2Clip: c.l2Clip, scale: c.scale, bits: c.bits, beta: c.beta,
            roundSeed: [UInt8](repeating: 7, count: 32),
            noise: noise ? .discreteGaussian(varianceNumerator: v.numerator, varianceDenominator: v.denominator) : .none)
    }

    /// The ε a client computes from the announcement equals the planner's accountant for the same parameters.
    @Test(arguments: [0, 2])
    func announcedEpsilonEqualsThePlannersAccountant(colluders: Int) throws {
        let c = try Self.configuration(colluders: colluders)
        let round = try AnnouncedRoundPrivacy(encoding: Self.encoding(c), minimumSurvivors: 10, colluders: colluders)
        for accountant in Accountant.allCases {
            let planned = try c.epsilon(samplingRate: 1, steps: 3, delta: 1e-5, accountant: accountant)
            let announced = try AnnouncedRoundPrivacy.epsilon(
                composing: [round, round, round], delta: 1e-5, accountant: accountant)
            #expect(planned.accountant == accountant && announced.accountant == accountant)
            #expect(abs(announced.epsilon - planned.epsilon) <= 1e-9 * planned.epsilon)
        }
        #expect(abs(round.noiseMultiplier - 1) < 0.01)  // the rounded-up variance, never below z
        #expect(round.noiseMultiplier >= 1)
    }

    @Test func roundWithoutNoiseIsRefusedUnlessAllowedAndThenCountsAsInfinite() throws {
        let e = Self.encoding(try Self.configuration(), noise: false)
        var account = try ClientPrivacyAccount(policy: ClientPolicy())
        #expect(throws: FedCoreError.Policy.noNoise(round: 1)) { _ = try account.admit(round: 1, encoding: e, minSurvivors: 10) }
        var policy = ClientPolicy()
        policy.allowNoDP = true
        var allowing = try ClientPrivacyAccount(policy: policy)
        let record = try allowing.admit(round: 1, encoding: e, minSurvivors: 10)
        #expect(record.epsilonAfter == nil)
        #expect(try allowing.epsilonSpent() == .infinity)
        // After an un-noised release no finite ε limit can hold any more.
        let noisy = Self.encoding(try Self.configuration())
        #expect(throws: FedCoreError.Policy.self) { _ = try allowing.admit(round: 2, encoding: noisy, minSurvivors: 10) }
    }

    @Test func tooFewMinSurvivorsAndTooLittleNoiseAreRefusedWithTheirValues() throws {
        let e = Self.encoding(try Self.configuration())
        var policy = ClientPolicy()
        policy.minSurvivors = 11
        var account = try ClientPrivacyAccount(policy: policy)
        #expect(throws: FedCoreError.Policy.tooFewSurvivors(round: 4, announced: 10, required: 11)) {
            _ = try account.admit(round: 4, encoding: e, minSurvivors: 10)
        }
        policy = ClientPolicy()
        policy.minNoiseMultiplier = 2
        account = try ClientPrivacyAccount(policy: policy)
        do {
            _ = try account.admit(round: 4, encoding: e, minSurvivors: 10)
            Issue.record("noise below the policy was accepted")
        } catch {
            guard case .noiseTooLow(4, let z, 2) = error else { Issue.record("wrong refusal \(error)"); return }
            #expect(z > 0.99 && z < 1.01)
            #expect(error.description.contains("--min-noise-multiplier"))
        }
        // With 3 assumed colluders, min_survivors 4 leaves one honest noise share: refused.
        policy = ClientPolicy()
        policy.colluders = 3
        account = try ClientPrivacyAccount(policy: policy)
        #expect(throws: FedCoreError.Policy.tooFewSurvivors(round: 4, announced: 4, required: 5)) {
            _ = try account.admit(round: 4, encoding: e, minSurvivors: 4)
        }
    }

    /// ε accumulates over rounds and across runs through the ledger; the round that would cross the limit is
    /// refused and not recorded.
    @Test func ledgerCarriesTheBudgetAcrossRuns() throws {
        let dir = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = ClientLedger(path: dir.appendingPathComponent("client.ledger").path)
        let c = try Self.configuration()
        let e = Self.encoding(c)
        let one = try c.epsilon(samplingRate: 1, steps: 1, delta: 1e-5, accountant: .pld).epsilon
        let three = try c.epsilon(samplingRate: 1, steps: 3, delta: 1e-5, accountant: .pld).epsilon
        var policy = ClientPolicy()
        policy.maxEpsilon = (three + (try c.epsilon(samplingRate: 1, steps: 4, delta: 1e-5, accountant: .pld).epsilon)) / 2  // 3 rounds fit, not 4
        // Run 1: two rounds.
        var run1 = try ClientPrivacyAccount(policy: policy, history: try ledger.records())
        for r: UInt64 in 1...2 { try ledger.append(try run1.admit(round: r, encoding: e, minSurvivors: 10)) }
        // Run 2 starts from the ledger: one more round fits, the next is refused.
        var run2 = try ClientPrivacyAccount(policy: policy, history: try ledger.records())
        #expect(abs(try run2.epsilonSpent() - c.epsilon(samplingRate: 1, steps: 2, delta: 1e-5, accountant: .pld).epsilon) < 1e-9)
        let third = try run2.admit(round: 1, encoding: e, minSurvivors: 10)
        try ledger.append(third)
        #expect(abs((third.epsilonAfter ?? 0) - three) < 1e-9 * three)
        do {
            _ = try run2.admit(round: 2, encoding: e, minSurvivors: 10)
            Issue.record("the fourth round was accepted")
        } catch {
            guard case .epsilonExceeded(2, let after, _, _) = error else { Issue.record("wrong refusal \(error)"); return }
            #expect(after > policy.maxEpsilon)
        }
        #expect(try ledger.records().count == 3)
        #expect(one < three)
        // A torn last line (crash mid-append) is ignored and cut before the next append.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ledger.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"round\":9".utf8))
        try handle.close()
        #expect(try ledger.records().count == 3)
        var generous = ClientPolicy()
        generous.maxEpsilon = 1e6
        var run3 = try ClientPrivacyAccount(policy: generous, history: try ledger.records())
        try ledger.append(try run3.admit(round: 1, encoding: e, minSurvivors: 10))
        #expect(try ledger.records().count == 4)
    }

    @Test func policyFileIsReadAndUnknownVersionsOrBadValuesAreRefused() throws {
        let dir = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("policy.json")
        try Data(#"{"format_version":1,"colluders":2,"max_epsilon":4,"allow_no_dp":true}"#.utf8).write(to: good)
        let policy = try ClientPolicy.load(from: good.path)
        #expect(policy.colluders == 2 && policy.maxEpsilon == 4 && policy.allowNoDP && policy.delta == 1e-5)
        let future = dir.appendingPathComponent("future.json")
        try Data(#"{"format_version":2}"#.utf8).write(to: future)
        #expect(throws: FedCoreError.Policy.self) { _ = try ClientPolicy.load(from: future.path) }
        let negative = dir.appendingPathComponent("negative.json")
        try Data(#"{"format_version":1,"max_epsilon":-1}"#.utf8).write(to: negative)
        do {
            _ = try ClientPolicy.load(from: negative.path)
            Issue.record("negative max_epsilon accepted")
        } catch { #expect(error.description.contains("max_epsilon")) }
    }
}

/// The client's accountant: PLD by default, RDP on request; each ledger record says which one computed it.
@Suite struct ClientPolicyAccountantTests {
    @Test func pldIsTheDefaultAndTighterAndTheRecordSaysWhich() throws {
        let c = try ClientPolicyTests.configuration()
        let e = ClientPolicyTests.encoding(c)
        var records: [Accountant: ClientLedgerRecord] = [:]
        for accountant in Accountant.allCases {
            var policy = ClientPolicy()
            policy.accountant = accountant
            var account = try ClientPrivacyAccount(policy: policy)
            records[accountant] = try account.admit(round: 1, encoding: e, minSurvivors: 10)
        }
        #expect(ClientPolicy().accountant == .pld)
        let pld = try #require(records[.pld])
        let rdp = try #require(records[.rdp])
        #expect(pld.accountant == "pld" && rdp.accountant == "rdp")
        #expect(try #require(pld.epsilonAfter) < (try #require(rdp.epsilonAfter)))
    }

    @Test func aPolicyNamingAnUnknownAccountantIsRefused() throws {
        let dir = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.json")
        try Data(#"{"format_version": 1, "accountant": "moments"}"#.utf8).write(to: url)
        #expect(throws: (any Error).self) { try ClientPolicy.load(from: url.path) }
        try Data(#"{"format_version": 1, "accountant": "rdp"}"#.utf8).write(to: url)
        #expect(try ClientPolicy.load(from: url.path).accountant == .rdp)
    }
}
