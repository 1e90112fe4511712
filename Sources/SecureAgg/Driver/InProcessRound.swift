import Sodium

/// The outcome of ``InProcessRound/run(configuration:identities:dropouts:using:input:)``.
public struct RoundResult: Sendable, Equatable {
    /// Σ x_u mod 2^b over `survivors`.
    public let sum: [UInt32]
    /// Clients whose inputs are in the sum (ascending).
    public let survivors: [UInt32]
    /// Clients that shared keys but are not in the sum (ascending).
    public let dropped: [UInt32]
    /// Clients that aborted themselves, with their reason.
    public let clientFailures: [UInt32: SecureAggError]
    /// Messages the server rejected, by sender (last reason).
    public let serverRejections: [UInt32: SecureAggError]
}

/// Runs a whole round in one process: every client and the server exchange messages directly.
///
/// Used by tests and by FedCore's simulation. Clients' inputs are requested one at a time (`input(id)`) at
/// phase 2, masked, handed to the server's running sum and discarded before the next, so memory holds one
/// vector plus the server's accumulator regardless of the cohort size.
public enum InProcessRound {
    /// - Parameters:
    ///   - identities: the Ed25519 identity of each cohort member taking part (ids missing here never speak).
    ///   - dropouts: `id → phase`: that client sends nothing from `phase` on.
    ///   - colluders: the colluding clients every simulated client assumes (its security floor and quorum).
    ///   - minimumSurvivors: the round's minimum survivors, which every client enforces on the survivor list.
    ///   - rng: randomness for all keys and shares (a seeded generator makes tests reproducible — not secure).
    ///   - observe: called after each phase with the clients whose message of that phase the server accepted
    ///     (sorted). For `.maskedInput` these are the phase-2 survivors, whose inputs are in the sum. The
    ///     `.consistencyCheck` call comes before any unmasking request is released: throwing there (or earlier)
    ///     aborts the round with nothing revealed, which is where a privacy ledger charges the round.
    ///   - clock: if given, receives the time spent masking (clients), summing (server, phase 2) and unmasking.
    ///   - input: the encoded vector of client `id` (m values < 2^b); called once per client reaching phase 2.
    /// - Throws: the server's failure (too few clients, signatures or shares), or a bad `input` vector.
    public static func run(
        configuration: RoundConfiguration, identities: [UInt32: Ed25519.SecretKey], dropouts: [UInt32: Phase] = [:],
        colluders: Int = 0, minimumSurvivors: Int? = nil, using rng: inout some SecureRandom,
        observe: (Phase, [UInt32]) throws(SecureAggError) -> Void = { _, _ in },
        clock: InProcessStageClock? = nil,
        input: (UInt32) throws(SecureAggError) -> [UInt32]
    ) throws(SecureAggError) -> RoundResult {
        try run(
            configuration: configuration, identities: identities, dropouts: dropouts, colluders: colluders,
            minimumSurvivors: minimumSurvivors, using: &rng, observe: observe, clock: clock
        ) { (id: UInt32, writer: MaskedInputWriter) throws(SecureAggError) in
            let vector = try input(id)
            try vector.withUnsafeBufferPointer { (values) throws(SecureAggError) in try writer.write(values, at: 0) }
        }
    }

    /// As ``run(configuration:identities:dropouts:using:observe:clock:input:)``, with each client's input
    /// streamed: `writeInput(id, writer)` writes client `id`'s m values (each < 2^b) into `writer` slice by
    /// slice, which masks and packs them as they come; no full-length unmasked vector need exist. The time
    /// spent inside `writeInput` (encoding and masking together) counts as masking time in `clock`.
    public static func run(
        configuration: RoundConfiguration, identities: [UInt32: Ed25519.SecretKey], dropouts: [UInt32: Phase] = [:],
        colluders: Int = 0, minimumSurvivors: Int? = nil, using rng: inout some SecureRandom,
        observe: (Phase, [UInt32]) throws(SecureAggError) -> Void = { _, _ in },
        clock: InProcessStageClock? = nil,
        writeInput: (UInt32, MaskedInputWriter) throws(SecureAggError) -> Void
    ) throws(SecureAggError) -> RoundResult {
        var server = SecAggServer(configuration: configuration)
        var clients = [UInt32: SecAggClient]()
        var failures = [UInt32: SecureAggError]()
        var rejections = [UInt32: SecureAggError]()
        func speaks(_ id: UInt32, at phase: Phase) -> Bool {
            guard let drop = dropouts[id] else { return true }
            return phase < drop
        }
        var accepted = [UInt32]()
        func note(_ receipt: Receipt, _ id: UInt32) {
            if case let .rejected(error) = receipt { rejections[id] = error } else { accepted.append(id) }
        }
        func report(_ phase: Phase) throws(SecureAggError) {
            let ids = accepted.sorted()
            accepted.removeAll()
            try observe(phase, ids)
        }

        for id in configuration.cohort {
            guard let identity = identities[id] else { continue }
            clients[id] = try SecAggClient(
                configuration: configuration, id: id, identity: identity, colluders: colluders,
                minimumSurvivors: minimumSurvivors, using: &rng)
        }
        for id in configuration.cohort where speaks(id, at: .advertiseKeys) {
            guard var client = clients[id] else { continue }
            let message = try client.advertiseKeys()
            clients[id] = client
            note(try server.receiveAdvertisement(message), id)
        }
        try report(.advertiseKeys)
        for broadcast in try server.finishAdvertising() {
            let id = broadcast.receiver
            guard speaks(id, at: .shareKeys), var client = clients[id] else { continue }
            do {
                let message = try client.shareKeys(broadcast, using: &rng)
                note(try server.receiveShareKeys(message), id)
            } catch { failures[id] = error }
            clients[id] = client
        }
        try report(.shareKeys)
        for broadcast in try server.finishShareKeys() {
            let id = broadcast.receiver
            guard speaks(id, at: .maskedInput), var client = clients[id] else { continue }
            do {
                let maskStart = ContinuousClock.now
                let message = try client.maskedInput(shares: broadcast) { (writer) throws(SecureAggError) in
                    try writeInput(id, writer)
                }
                let sumStart = ContinuousClock.now
                clock?.mask += sumStart - maskStart
                note(try server.receiveMaskedInput(message), id)
                clock?.sum += ContinuousClock.now - sumStart
            } catch {
                if client.abortReason == nil { throw error }  // a local input error, not a protocol failure
                failures[id] = error
            }
            clients[id] = client
        }
        let consistencyRequests = try server.finishMaskedInput()
        accepted = consistencyRequests.first?.survivors ?? []
        try report(.maskedInput)
        for request in consistencyRequests {
            let id = request.receiver
            guard speaks(id, at: .consistencyCheck), var client = clients[id] else { continue }
            do {
                let message = try client.consistencyCheck(request)
                note(try server.receiveConsistencyCheck(message), id)
            } catch { failures[id] = error }
            clients[id] = client
        }
        try report(.consistencyCheck)
        for request in try server.finishConsistencyCheck() {
            let id = request.receiver
            guard speaks(id, at: .unmasking), var client = clients[id] else { continue }
            do {
                let message = try client.unmask(request)
                note(try server.receiveUnmaskingResponse(message), id)
            } catch { failures[id] = error }
            clients[id] = client
        }
        let unmaskStart = ContinuousClock.now
        let result = try server.finishUnmasking()
        clock?.unmask += ContinuousClock.now - unmaskStart
        try report(.unmasking)
        return RoundResult(sum: result.sum, survivors: result.survivors, dropped: result.dropped,
                           clientFailures: failures, serverRejections: rejections)
    }
}
