import FedCore
import Foundation
import SecAggTestSupport
import Sodium

@testable import FedAudit

/// Builds small valid audit logs for tests. The fake accountant charges ε = T·base/z after T identical rounds
/// (linear in T, so the tests can predict every value).
enum AuditLogFixture {
    static let seedA: [UInt8] = (0..<32).map { UInt8(0xA0 &+ $0) }
    static let seedB: [UInt8] = (0..<32).map { UInt8(0x30 &+ $0 &* 3) }

    static func key(_ seed: [UInt8]) throws -> Ed25519.SecretKey {
        try Ed25519.SecretKey(seed: SecureBytes(copying: seed))
    }

    /// ε after `steps` rounds of `p` for the fake accountant.
    static func fakeEpsilon(_ p: RoundPlanned, _ steps: Int) -> Double { Double(steps) * 0.25 / p.noiseMultiplier }

    static let accountant = IdenticalRoundsAccountant(epsilonForRounds: { p, t in fakeEpsilon(p, t) })

    static func planned(_ round: Int, steps: Int, noiseMultiplier: Double = 1.25) -> RoundPlanned {
        RoundPlanned(
            round: round, cohortIds: Array(1...10), degree: 8, threshold: 5, bits: 20, clip: 1.5, mechanism: .ddgauss,
            noiseMultiplier: noiseMultiplier, minSurvivors: 6, colludingClients: 0, samplingRate: 1, stepsSoFar: steps,
            dimension: 4096, scale: 123.5, localVarianceNumerator: 987_654_321, localVarianceDenominator: 65_536,
            beta: 0.6065306597126334, modClipProbability: 1e-4, delta: 1e-5)
    }

    struct Options {
        var rounds = 3
        /// Round that fails after being charged (nil: all complete).
        var failingRound: Int? = 2
        /// Overrides the recorded epsilon_round of a round.
        var wrongEpsilonRound: [Int: Double] = [:]
        var budget: Double? = 10
        var noiseMultiplier: (Int) -> Double = { _ in 1.25 }
        var close = true
    }

    /// Writes a log at `url` and returns the head hashes returned by closeRound/closeRun.
    @discardableResult
    static func write(_ url: URL, signer: Ed25519.SecretKey, pinned: Bool = true, options: Options = Options())
        throws -> [String]
    {
        let log = try AuditLog.create(
            at: url, signer: signer, pinned: pinned, budgetEpsilon: options.budget,
            delta: 1e-5, toolVersion: "test")
        var heads: [String] = []
        var chargedSoFar: [RoundPlanned] = []
        var cumulative = 0.0
        for r in 1...options.rounds {
            let p = planned(r, steps: chargedSoFar.count, noiseMultiplier: options.noiseMultiplier(r))
            try log.append(.roundPlanned(p))
            try log.append(.keysAdvertised(KeysAdvertised(round: r, clientIds: Array(1...10))))
            try log.append(.survivors(Survivors(round: r, phase: .shareKeys, clientIds: Array(1...9))))
            try log.append(.survivors(Survivors(round: r, phase: .maskedInput, clientIds: Array(1...8))))
            try log.append(.consistencyCheck(ConsistencyCheck(round: r, ok: true, signatures: 8)))
            try log.append(.survivors(Survivors(round: r, phase: .consistencyCheck, clientIds: Array(1...8))))
            chargedSoFar.append(p)
            cumulative = try accountant.epsilon(composing: chargedSoFar, delta: 1e-5)
            let single = options.wrongEpsilonRound[r] ?? fakeEpsilon(p, 1)
            try log.append(
                .roundCharged(
                    AuditRoundCharged(
                        round: r, epsilonRound: single, epsilonCumulative: cumulative, budgetEpsilon: options.budget)))
            if r == options.failingRound {
                try log.append(
                    .roundFailed(AuditRoundFailed(round: r, reason: "too few <unmasking> shares", charged: true)))
            } else {
                try log.append(.survivors(Survivors(round: r, phase: .unmasking, clientIds: Array(1...7))))
                try log.append(
                    .roundCompleted(
                        AuditRoundCompleted(round: r, survivors: 8, outputHash: String(repeating: "ab", count: 32))))
            }
            heads.append(try log.closeRound(r))
        }
        if options.close { heads.append(try log.closeRun(rounds: options.rounds, epsilonCumulative: cumulative)) }
        return heads
    }

    static func temporaryLog() throws -> (directory: URL, url: URL) {
        let directory = try TemporaryFiles.directory(prefix: "fedaudit-tests")
        return (directory, directory.appendingPathComponent("audit.sqlite"))
    }

    /// Re-hashes and re-signs `row` with `key` (what an attacker holding another key can do).
    static func resign(_ row: inout AuditRow, with key: Ed25519.SecretKey) {
        let hash =
            AuditRecordHash.hash(
                seq: row.seq, kind: row.kind, round: row.round, payload: row.payload,
                prevHash: row.prevHash) ?? []
        row.hash = Hex.encode(hash)
        row.signature = Hex.encode(key.sign(hash))
    }
}
