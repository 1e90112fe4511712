import Sodium
import Testing

@testable import SecureAgg

@Suite struct RoundSumTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let n: Int, k: Int, t: Int, bits: Int, m: Int, seed: UInt64
        var testDescription: String { "n=\(n) k=\(k) t=\(t) b=\(bits) seed=\(seed)" }
    }

    static func run(_ c: Case, dropouts: [UInt32: Phase]) throws -> (RoundResult, Fixture, [UInt32: [UInt32]]) {
        let fixture = try Fixture(n: c.n, degree: c.k, threshold: c.t, bits: c.bits, m: c.m, seed: c.seed)
        let inputs = fixture.inputs(seed: c.seed &+ 77)
        var rng = ChaChaRandom.seeded(c.seed &+ 5)
        let result = try InProcessRound.run(
            configuration: fixture.configuration, identities: fixture.identities, dropouts: dropouts, using: &rng
        ) { (id) throws(SecureAggError) -> [UInt32] in inputs[id] ?? [] }
        return (result, fixture, inputs)
    }

    @Test func sumIsExactWithoutDropouts() throws {
        let (result, fixture, inputs) = try Self.run(Case(n: 12, k: 6, t: 4, bits: 20, m: 33, seed: 1), dropouts: [:])
        #expect(result.survivors == fixture.configuration.cohort)
        #expect(result.dropped.isEmpty)
        #expect(result.sum == fixture.plainSum(inputs, over: fixture.configuration.cohort))
    }

    /// Random dropout patterns (seeded): each client drops after a random phase with probability ~15 %.
    @Test(arguments: [
        Case(n: 10, k: 9, t: 5, bits: 32, m: 8, seed: 2),
        Case(n: 15, k: 6, t: 4, bits: 11, m: 16, seed: 3),
        Case(n: 21, k: 12, t: 7, bits: 16, m: 24, seed: 4),
        Case(n: 30, k: 29, t: 16, bits: 24, m: 8, seed: 5),
        Case(n: 40, k: 12, t: 7, bits: 1, m: 64, seed: 6),
        Case(n: 200, k: 20, t: 11, bits: 20, m: 8, seed: 7),
    ])
    func sumIsExactUnderRandomDropouts(c: Case) throws {
        let pick = ChaChaRandom.seeded(c.seed &+ 999)
        let patterns = c.n >= 100 ? 1 : 4
        for _ in 0..<patterns {
            var dropouts = [UInt32: Phase]()
            for id in 1...c.n where pick.next() % 100 < 15 {
                dropouts[UInt32(id)] = Phase(rawValue: Int(pick.next() % 5))!
            }
            let (result, fixture, inputs) = try Self.run(c, dropouts: dropouts)
            let expectedSurvivors = fixture.configuration.cohort.filter { (dropouts[$0] ?? .unmasking) > .maskedInput }
            #expect(result.survivors == expectedSurvivors)
            #expect(result.sum == fixture.plainSum(inputs, over: result.survivors))
            #expect(result.clientFailures.isEmpty)
        }
    }

    @Test(arguments: Phase.allCases)
    func sumIsExactWhenClientsDropAtEachPhase(phase: Phase) throws {
        // k − t = 3: the round survives the three dropouts whatever the graph (it is drawn from the session id).
        let dropouts: [UInt32: Phase] = [2: phase, 5: phase, 9: phase]
        let (result, fixture, inputs) = try Self.run(
            Case(n: 14, k: 8, t: 5, bits: 16, m: 16, seed: 8), dropouts: dropouts)
        let survivors = fixture.configuration.cohort.filter { phase > .maskedInput || dropouts[$0] == nil }
        #expect(result.survivors == survivors)
        #expect(result.sum == fixture.plainSum(inputs, over: survivors))
    }

    @Test func completeGraphOfTwoHundredSumsExactlyWithDropouts() throws {
        var dropouts = [UInt32: Phase]()
        for id in stride(from: 3, through: 200, by: 17) { dropouts[UInt32(id)] = Phase(rawValue: id % 5)! }
        let (result, fixture, inputs) = try Self.run(
            Case(n: 200, k: 199, t: 100, bits: 32, m: 8, seed: 9), dropouts: dropouts)
        #expect(result.sum == fixture.plainSum(inputs, over: result.survivors))
        #expect(result.survivors.count == 200 - dropouts.values.filter { $0 <= .maskedInput }.count)
    }

    @Test func belowThresholdFailsWithTypedErrorNeverAWrongSum() throws {
        // t = 4, 10 clients: after masked inputs, 7 of 10 stop answering → every survivor's self mask has < 4 shares
        // holders left among its neighbours… the server refuses.
        let c = Case(n: 10, k: 4, t: 4, bits: 16, m: 8, seed: 10)
        var dropouts = [UInt32: Phase]()
        for id: UInt32 in [1, 2, 3, 4, 5, 6] { dropouts[id] = .unmasking }
        let error = secureAggError { _ = try Self.run(c, dropouts: dropouts) }
        switch error {
        case .tooFewShares?: break
        default: Issue.record("expected tooFewShares, got \(String(describing: error))")
        }
        // Too few clients already at masked input.
        var early = [UInt32: Phase]()
        for id: UInt32 in 1...7 { early[id] = .maskedInput }
        let error2 = secureAggError { _ = try Self.run(c, dropouts: early) }
        // The round needs max(t, quorum ⌊10/2⌋ + 1) = 6 masked inputs.
        #expect(error2 == .tooFewClients(phase: .maskedInput, available: 3, required: 6))
    }

    @Test func tooFewConsistencySignaturesFailsTheRound() throws {
        let c = Case(n: 10, k: 4, t: 4, bits: 16, m: 8, seed: 11)
        var dropouts = [UInt32: Phase]()
        for id: UInt32 in 1...7 { dropouts[id] = .consistencyCheck }
        let error = secureAggError { _ = try Self.run(c, dropouts: dropouts) }
        #expect(error == .tooFewSignatures(valid: 3, required: 6))  // the quorum ⌊10/2⌋ + 1
    }
}
