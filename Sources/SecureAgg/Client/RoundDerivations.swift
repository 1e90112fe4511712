import Sodium

/// Where a client gets the values it derives from public round data that are the same for every client: the
/// checks and session id of a key broadcast, the graph, a survivor list's set and signed bytes, a dropped list's
/// checks, an advertisement's signature check. A real client computes them itself (``RecomputedDerivations``):
/// O(n) each. An in-process simulation, whose n clients all derive the same values from the same inputs, may
/// share one implementation that computes each once and hands it to every client whose inputs are identical:
/// sound only because the simulated clients share one trusted process, never across a network (as
/// ``QuorumVerifier``). Every value is built by the static `derive` functions below; an implementation only
/// chooses whether to call them again.
public protocol RoundDerivations: Sendable {
    /// ``KeyBroadcastDerivation/derive(configuration:advertisements:)`` of these inputs.
    func keyBroadcast(configuration: RoundConfiguration, advertisements: [AdvertiseKeys]) -> KeyBroadcastDerivation
    /// Whether `advertisement`'s signature verifies under its sender's registry key (over the round context's digest).
    func isValidSignature(of advertisement: AdvertiseKeys, configuration: RoundConfiguration) -> Bool
    /// ``SurvivorListDerivation/derive(configuration:sessionID:survivors:)`` of these inputs.
    func survivorList(configuration: RoundConfiguration, sessionID: [UInt8], survivors: [UInt32]) -> SurvivorListDerivation
    /// ``DroppedListDerivation/derive(configuration:survivors:dropped:)`` of these inputs.
    func droppedList(
        configuration: RoundConfiguration, survivors: SurvivorListDerivation, dropped: [UInt32]
    ) -> DroppedListDerivation
}

/// Computes every value afresh: what every networked client does.
public struct RecomputedDerivations: RoundDerivations {
    public init() {}

    public func keyBroadcast(configuration: RoundConfiguration, advertisements: [AdvertiseKeys]) -> KeyBroadcastDerivation {
        KeyBroadcastDerivation.derive(configuration: configuration, advertisements: advertisements)
    }

    public func isValidSignature(of advertisement: AdvertiseKeys, configuration: RoundConfiguration) -> Bool {
        advertisement.hasValidSignature(configuration: configuration)
    }

    public func survivorList(
        configuration: RoundConfiguration, sessionID: [UInt8], survivors: [UInt32]
    ) -> SurvivorListDerivation {
        SurvivorListDerivation.derive(configuration: configuration, sessionID: sessionID, survivors: survivors)
    }

    public func droppedList(
        configuration: RoundConfiguration, survivors: SurvivorListDerivation, dropped: [UInt32]
    ) -> DroppedListDerivation {
        DroppedListDerivation.derive(configuration: configuration, survivors: survivors, dropped: dropped)
    }
}

/// What a key broadcast's advertisements give every client alike: the first error in their order and form (ids
/// ascending and in the cohort; version, round and lengths of each), and otherwise the session id and the graph.
public struct KeyBroadcastDerivation: Sendable {
    /// The first order or form error (signatures are not checked here); nil if none.
    let formError: SecureAggError?
    /// ``SessionID/compute(configuration:advertisements:)``; empty when `formError` is set.
    let sessionID: [UInt8]
    /// The graph drawn from `sessionID`; nil when `formError` is set.
    let graph: HararyGraph?

    /// Checks the advertisements' order and form, then computes the session id and the graph. O(n).
    public static func derive(configuration: RoundConfiguration, advertisements: [AdvertiseKeys]) -> KeyBroadcastDerivation {
        do throws(SecureAggError) {
            try checkSortedCohortIDs(advertisements.map(\.sender), configuration: configuration)
            for ad in advertisements { try ad.validate(configuration: configuration, verifySignature: false) }
        } catch {
            return KeyBroadcastDerivation(formError: error, sessionID: [], graph: nil)
        }
        let sessionID = SessionID.compute(configuration: configuration, advertisements: advertisements)
        return KeyBroadcastDerivation(
            formError: nil, sessionID: sessionID, graph: HararyGraph(configuration: configuration, sessionID: sessionID))
    }
}

/// What a survivor list gives every client alike: whether it is ascending and within the cohort, its members,
/// and the bytes each survivor signs (``ConsistencyRequest/signedBytes(sessionID:survivors:)``).
public struct SurvivorListDerivation: Sendable {
    /// The first order or membership error; nil if none.
    public let formError: SecureAggError?
    public let members: Set<UInt32>
    public let signedBytes: [UInt8]

    /// O(n).
    public static func derive(configuration: RoundConfiguration, sessionID: [UInt8], survivors: [UInt32]) -> SurvivorListDerivation {
        var formError: SecureAggError?
        do throws(SecureAggError) { try checkSortedCohortIDs(survivors, configuration: configuration) } catch { formError = error }
        return SurvivorListDerivation(
            formError: formError, members: Set(survivors),
            signedBytes: ConsistencyRequest.signedBytes(sessionID: sessionID, survivors: survivors))
    }
}

/// What a dropped list gives every client alike: its first error other than naming the client itself (an id
/// outside the cohort, also a survivor, or repeated), and the position of each id before that error.
public struct DroppedListDerivation: Sendable {
    /// Position and error of the first bad entry; nil if none.
    let firstError: (index: Int, error: SecureAggError)?
    /// Id → its position, for the entries before `firstError`.
    let positions: [UInt32: Int]
    let dropped: [UInt32]

    /// O(|dropped|).
    public static func derive(
        configuration: RoundConfiguration, survivors: SurvivorListDerivation, dropped: [UInt32]
    ) -> DroppedListDerivation {
        var positions = [UInt32: Int](minimumCapacity: dropped.count)
        for (i, d) in dropped.enumerated() {
            let error: SecureAggError
            if !configuration.contains(d) {
                error = .unknownClient(d)
            } else if survivors.members.contains(d) {
                error = .clientInBothSets(d)
            } else if positions[d] != nil {
                error = .duplicateClient(d)
            } else {
                positions[d] = i
                continue
            }
            return DroppedListDerivation(firstError: (i, error), positions: positions, dropped: dropped)
        }
        return DroppedListDerivation(firstError: nil, positions: positions, dropped: dropped)
    }

    /// The error client `id` must refuse the list with, in the order a client checks each entry (outside the
    /// cohort, itself, also a survivor, repeated); nil if the list is good.
    func error(for id: UInt32) -> SecureAggError? {
        if positions[id] != nil { return .requestNamesSelf }
        guard let first = firstError else { return nil }
        return dropped[first.index] == id ? .requestNamesSelf : first.error
    }

    /// True when `id` is on the list (valid once ``error(for:)`` is nil).
    func contains(_ id: UInt32) -> Bool { positions[id] != nil }
}
