import Sodium
import Testing

@testable import SecureAgg

@Suite struct RoundConfigurationTests {
    static func registry(_ n: Int) throws -> [UInt32: Ed25519.PublicKey] {
        var rng = ChaChaRandom.seeded(1)
        var out = [UInt32: Ed25519.PublicKey]()
        for i in 1...n { out[UInt32(i)] = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32)).publicKey }
        return out
    }

    @Test func invalidConfigurationsAreRefusedWithTypedErrors() throws {
        let reg = try Self.registry(5)
        func make(_ cohort: [UInt32], k: Int = 2, t: Int = 2, b: Int = 16, m: Int = 4) -> SecureAggError? {
            secureAggError {
                _ = try RoundConfiguration(
                    round: 1, cohort: cohort, degree: k, threshold: t, bits: b,
                    vectorLength: m, registry: reg)
            }
        }
        #expect(make([1, 2, 3]) == nil)
        #expect(make([]) == .invalidParameter("cohort is empty"))
        #expect(make([0, 1, 2]) == .invalidParameter("client id 0"))
        #expect(make([1, 2, 2]) == .duplicateClient(2))
        #expect(make([2, 1, 3]) == .invalidParameter("cohort not sorted"))
        #expect(make([1, 2, 9]) == .unknownClient(9))
        #expect(make([1, 2, 3], k: 3) == .invalidParameter("degree must be 1…n−1"))
        #expect(make([1, 2, 3], k: 2, t: 3) == .invalidParameter("threshold must be 1…degree"))
        #expect(make([1, 2, 3], b: 0) == .invalidParameter("bits must be 1…32"))
        #expect(make([1, 2, 3], b: 33) == .invalidParameter("bits must be 1…32"))
        #expect(make([1, 2, 3], m: 0) == .invalidParameter("vector length must be 1…2^31"))
    }

    @Test func clientRefusesAnIdentityThatIsNotRegistered() throws {
        let fixture = try Fixture(n: 4, degree: 3, threshold: 2)
        var rng = ChaChaRandom.seeded(2)
        let wrong = fixture.identities[2]!
        #expect(
            secureAggError {
                _ = try SecAggClient(configuration: fixture.configuration, id: 1, identity: wrong, using: &rng)
            }
                == .invalidParameter("identity key does not match registry"))
        #expect(
            secureAggError {
                _ = try SecAggClient(configuration: fixture.configuration, id: 9, identity: wrong, using: &rng)
            }
                == .unknownClient(9))
    }

    @Test func contextBytesBindEveryParameter() throws {
        let reg = try Self.registry(5)
        let base = try RoundConfiguration(
            round: 1, cohort: [1, 2, 3], degree: 2, threshold: 2, bits: 16, vectorLength: 4, registry: reg)
        let variants = [
            try RoundConfiguration(
                round: 2, cohort: [1, 2, 3], degree: 2, threshold: 2, bits: 16, vectorLength: 4, registry: reg),
            try RoundConfiguration(
                round: 1, cohort: [1, 2, 4], degree: 2, threshold: 2, bits: 16, vectorLength: 4, registry: reg),
            try RoundConfiguration(
                round: 1, cohort: [1, 2, 3], degree: 2, threshold: 1, bits: 16, vectorLength: 4, registry: reg),
            try RoundConfiguration(
                round: 1, cohort: [1, 2, 3], degree: 2, threshold: 2, bits: 17, vectorLength: 4, registry: reg),
            try RoundConfiguration(
                round: 1, cohort: [1, 2, 3], degree: 2, threshold: 2, bits: 16, vectorLength: 5, registry: reg),
        ]
        for v in variants { #expect(v.contextBytes != base.contextBytes) }
    }

    /// Issue 15, finding 5: the run id is in the round context, so an advertisement signed in one server run
    /// does not verify in another run that reuses the round number (numbering restarts without a ledger).
    @Test func advertisementFromAnotherRunIsRefused() throws {
        let fixture = try Fixture(n: 5, degree: 4, threshold: 3)
        let c = fixture.configuration
        let runA = try RoundConfiguration(
            round: c.round, cohort: c.cohort, degree: c.degree, threshold: c.threshold, bits: c.bits,
            vectorLength: c.vectorLength, registry: c.registry, runID: [UInt8](repeating: 0xA, count: 32))
        let runB = try RoundConfiguration(
            round: c.round, cohort: c.cohort, degree: c.degree, threshold: c.threshold, bits: c.bits,
            vectorLength: c.vectorLength, registry: c.registry, runID: [UInt8](repeating: 0xB, count: 32))
        #expect(runA.contextBytes != runB.contextBytes)
        var rng = ChaChaRandom.seeded(3)
        var client = try SecAggClient(configuration: runA, id: 1, identity: fixture.identities[1]!, using: &rng)
        let ad = try client.advertiseKeys()
        var sameRun = SecAggServer(configuration: runA)
        #expect(try sameRun.receiveAdvertisement(ad) == .accepted)
        var otherRun = SecAggServer(configuration: runB)
        #expect(try otherRun.receiveAdvertisement(ad) == .rejected(.invalidSignature(client: 1)))
        #expect(throws: SecureAggError.invalidParameter("run id must be 32 bytes")) {
            try RoundConfiguration(
                round: 1, cohort: [1, 2], degree: 1, threshold: 1, bits: 8, vectorLength: 1, registry: c.registry,
                runID: [1, 2, 3])
        }
    }
}
