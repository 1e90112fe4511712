import Sodium
import Testing

@testable import SecureAgg

/// A cohort with deterministic identities (seeded — tests only).
struct Fixture {
    let configuration: RoundConfiguration
    let identities: [UInt32: Ed25519.SecretKey]

    init(n: Int, degree: Int, threshold: Int, bits: Int = 16, m: Int = 16, round: UInt64 = 7, seed: UInt64 = 1) throws {
        var rng = ChaChaRandom.seeded(seed)
        var identities = [UInt32: Ed25519.SecretKey]()
        var registry = [UInt32: Ed25519.PublicKey]()
        for i in 1...n {
            let id = UInt32(i)
            let key = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            identities[id] = key
            registry[id] = key.publicKey
        }
        self.identities = identities
        configuration = try RoundConfiguration(
            round: round, cohort: (1...n).map { UInt32($0) }, degree: degree, threshold: threshold, bits: bits,
            vectorLength: m, registry: registry)
    }

    /// Random inputs < 2^b for every client.
    func inputs(seed: UInt64) -> [UInt32: [UInt32]] {
        let rng = ChaChaRandom.seeded(seed)
        let mask = configuration.valueMask
        var out = [UInt32: [UInt32]]()
        for id in configuration.cohort {
            out[id] = (0..<configuration.vectorLength).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
        }
        return out
    }

    /// Σ inputs over `ids` mod 2^b.
    func plainSum(_ inputs: [UInt32: [UInt32]], over ids: [UInt32]) -> [UInt32] {
        var sum = [UInt32](repeating: 0, count: configuration.vectorLength)
        for id in ids { for (i, v) in (inputs[id] ?? []).enumerated() { sum[i] &+= v } }
        return sum.map { $0 & configuration.valueMask }
    }
}

/// Drives a round phase by phase, keeping every message so tests can tamper with them.
struct Harness {
    let fixture: Fixture
    var server: SecAggServer
    var clients: [UInt32: SecAggClient] = [:]
    var rng: ChaChaRandom
    let inputs: [UInt32: [UInt32]]
    var advertisements: [UInt32: AdvertiseKeys] = [:]
    var keyBroadcasts: [UInt32: KeyBroadcast] = [:]
    var shareKeys: [UInt32: ShareKeys] = [:]
    var shareBroadcasts: [UInt32: ShareBroadcast] = [:]
    var maskedInputs: [UInt32: MaskedInput] = [:]
    var consistencyRequests: [UInt32: ConsistencyRequest] = [:]
    var consistencyChecks: [UInt32: ConsistencyCheck] = [:]
    var unmaskingRequests: [UInt32: UnmaskingRequest] = [:]
    var responses: [UInt32: UnmaskingResponse] = [:]

    init(_ fixture: Fixture, seed: UInt64 = 11) throws {
        self.fixture = fixture
        rng = ChaChaRandom.seeded(seed)
        server = SecAggServer(configuration: fixture.configuration)
        inputs = fixture.inputs(seed: seed &+ 1000)
        for id in fixture.configuration.cohort {
            guard let identity = fixture.identities[id] else { continue }
            clients[id] = try SecAggClient(
                configuration: fixture.configuration, id: id, identity: identity, using: &rng)
        }
    }

    var cohort: [UInt32] { fixture.configuration.cohort }

    /// Phase 0 for every client not in `skip`; returns the key broadcasts.
    mutating func advertise(skip: Set<UInt32> = []) throws {
        for id in cohort where !skip.contains(id) {
            let ad = try clients[id]!.advertiseKeys()
            advertisements[id] = ad
            #expect(try server.receiveAdvertisement(ad) == .accepted)
        }
        for b in try server.finishAdvertising() { keyBroadcasts[b.receiver] = b }
    }

    mutating func shareKeys(skip: Set<UInt32> = []) throws {
        for id in keyBroadcasts.keys.sorted() where !skip.contains(id) {
            let message = try clients[id]!.shareKeys(keyBroadcasts[id]!, using: &rng)
            shareKeys[id] = message
            #expect(try server.receiveShareKeys(message) == .accepted)
        }
        for b in try server.finishShareKeys() { shareBroadcasts[b.receiver] = b }
    }

    mutating func maskInputs(skip: Set<UInt32> = []) throws {
        for id in shareBroadcasts.keys.sorted() where !skip.contains(id) {
            let message = try clients[id]!.maskedInput(inputs[id]!, shares: shareBroadcasts[id]!)
            maskedInputs[id] = message
            #expect(try server.receiveMaskedInput(message) == .accepted)
        }
        for r in try server.finishMaskedInput() { consistencyRequests[r.receiver] = r }
    }

    mutating func checkConsistency(skip: Set<UInt32> = []) throws {
        for id in consistencyRequests.keys.sorted() where !skip.contains(id) {
            let message = try clients[id]!.consistencyCheck(consistencyRequests[id]!)
            consistencyChecks[id] = message
            #expect(try server.receiveConsistencyCheck(message) == .accepted)
        }
        for r in try server.finishConsistencyCheck() { unmaskingRequests[r.receiver] = r }
    }

    mutating func unmask(skip: Set<UInt32> = []) throws -> AggregationResult {
        for id in unmaskingRequests.keys.sorted() where !skip.contains(id) {
            let message = try clients[id]!.unmask(unmaskingRequests[id]!)
            responses[id] = message
            #expect(try server.receiveUnmaskingResponse(message) == .accepted)
        }
        return try server.finishUnmasking()
    }

    /// Runs phases 0–3 with no dropouts.
    mutating func runUntilUnmasking() throws {
        try advertise()
        try shareKeys()
        try maskInputs()
        try checkConsistency()
    }
}

/// Runs `body` and returns the SecureAggError it throws (nil if none).
func secureAggError(_ body: () throws -> Void) -> SecureAggError? {
    do {
        try body()
        return nil
    } catch { return error as? SecureAggError ?? .invalidParameter("unexpected error type \(type(of: error))") }
}
