import SecureAgg
import Synchronization

/// One ``RoundDerivations`` for all the simulated clients of an in-process run: the values every client derives
/// alike from public data (a key broadcast's checks, session id and graph; a survivor list's set and signed
/// bytes; a dropped list's checks; each advertisement's signature check) are computed once and handed to every
/// client whose inputs are the same, which turns the round's O(n²) (O(n²·k) for the k signature checks per
/// client over an n-id round context) setup into O(n).
///
/// "The same" is decided in O(1) by storage identity: the cache keeps the arrays it derived from, so an input
/// array sharing their storage (the server hands every client the same list) holds the same elements: a
/// retained array's storage cannot change or be reused. Any other input is derived afresh (and replaces the
/// cached entry). Sound only because the simulated clients share this process, as ``SharedQuorumVerifier``; a
/// networked client always derives itself. Safe from several worker threads.
final class SharedRoundDerivations: RoundDerivations {
    private struct KeyEntry {
        let context: [UInt8]
        let advertisements: [AdvertiseKeys]
        let value: KeyBroadcastDerivation
    }

    private struct SurvivorEntry {
        let context: [UInt8]
        let sessionID: [UInt8]
        let survivors: [UInt32]
        let value: SurvivorListDerivation
    }

    private struct DroppedEntry {
        let context: [UInt8]
        let survivors: [UInt8]
        let dropped: [UInt32]
        let value: DroppedListDerivation
    }

    private struct Signatures {
        var context: [UInt8] = []
        /// Sender → the advertisement checked and whether its signature verified.
        var checked: [UInt32: (advertisement: AdvertiseKeys, valid: Bool)] = [:]
    }

    private let keyBroadcasts = Mutex<KeyEntry?>(nil)
    private let survivorLists = Mutex<SurvivorEntry?>(nil)
    private let droppedLists = Mutex<DroppedEntry?>(nil)
    private let signatures = Mutex(Signatures())

    func keyBroadcast(configuration: RoundConfiguration, advertisements: [AdvertiseKeys]) -> KeyBroadcastDerivation {
        let context = configuration.contextBytes
        // Derived under the lock: the other workers need the same value and would wait for it anyway.
        return keyBroadcasts.withLock { entry in
            if let cached = entry, sameStorage(cached.context, context), sameStorage(cached.advertisements, advertisements) {
                return cached.value
            }
            let value = KeyBroadcastDerivation.derive(configuration: configuration, advertisements: advertisements)
            entry = KeyEntry(context: context, advertisements: advertisements, value: value)
            return value
        }
    }

    func isValidSignature(of advertisement: AdvertiseKeys, configuration: RoundConfiguration) -> Bool {
        let context = configuration.contextBytes
        let known = signatures.withLock { state -> Bool? in
            guard sameStorage(state.context, context), let seen = state.checked[advertisement.sender],
                seen.advertisement == advertisement
            else { return nil }
            return seen.valid
        }
        if let known { return known }
        let valid = advertisement.hasValidSignature(configuration: configuration)
        signatures.withLock { state in
            if !sameStorage(state.context, context) { state = Signatures(context: context) }
            state.checked[advertisement.sender] = (advertisement, valid)
        }
        return valid
    }

    func survivorList(configuration: RoundConfiguration, sessionID: [UInt8], survivors: [UInt32]) -> SurvivorListDerivation {
        let context = configuration.contextBytes
        return survivorLists.withLock { entry in
            if let cached = entry, sameStorage(cached.context, context), cached.sessionID == sessionID,
                sameStorage(cached.survivors, survivors)
            {
                return cached.value
            }
            let value = SurvivorListDerivation.derive(configuration: configuration, sessionID: sessionID, survivors: survivors)
            entry = SurvivorEntry(context: context, sessionID: sessionID, survivors: survivors, value: value)
            return value
        }
    }

    func droppedList(
        configuration: RoundConfiguration, survivors: SurvivorListDerivation, dropped: [UInt32]
    ) -> DroppedListDerivation {
        let context = configuration.contextBytes
        // The survivor derivation is identified by its signed bytes (session id and every survivor).
        let list = survivors.signedBytes
        return droppedLists.withLock { entry in
            if let cached = entry, sameStorage(cached.context, context), sameStorage(cached.survivors, list),
                sameStorage(cached.dropped, dropped)
            {
                return cached.value
            }
            let value = DroppedListDerivation.derive(configuration: configuration, survivors: survivors, dropped: dropped)
            entry = DroppedEntry(context: context, survivors: list, dropped: dropped, value: value)
            return value
        }
    }
}

/// True when `a` and `b` share their storage (then, while one of them is kept alive, they hold the same
/// elements). O(1); false for equal arrays stored apart.
func sameStorage<Element>(_ a: [Element], _ b: [Element]) -> Bool {
    guard a.count == b.count else { return false }
    return a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
}
