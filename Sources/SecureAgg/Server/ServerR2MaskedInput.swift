/// Server state R2: summing masked vectors as they arrive into one m-word accumulator (memory independent of
/// the number of clients). A vector is fully validated (version, round, sender in U2, once, packing header,
/// b and m) before it touches the accumulator. Next: ``ServerR3ConsistencyCheck`` or aborted.
struct ServerR2MaskedInput: Sendable {
    let context: ServerContext
    let advertisements: [UInt32: AdvertiseKeys]
    let sessionID: [UInt8]
    /// U2: clients whose shares were distributed.
    let sharedKeys: Set<UInt32>
    var accumulator: [UInt32]
    var received = Set<UInt32>()

    init(context: ServerContext, advertisements: [UInt32: AdvertiseKeys], sessionID: [UInt8], sharedKeys: Set<UInt32>) {
        self.context = context
        self.advertisements = advertisements
        self.sessionID = sessionID
        self.sharedKeys = sharedKeys
        accumulator = [UInt32](repeating: 0, count: context.configuration.vectorLength)
    }

    mutating func receive(_ message: MaskedInput) throws(SecureAggError) {
        try context.checkHeader(version: message.version, current: MaskedInput.currentVersion, round: message.round)
        guard sharedKeys.contains(message.sender) else { throw .unknownClient(message.sender) }
        guard !received.contains(message.sender) else { throw .duplicateClient(message.sender) }
        let config = context.configuration
        let header: (bits: Int, count: Int)
        do { header = try BitPacking.validate(message.packed) } catch { throw .bitPacking(error) }
        guard header.bits == config.bits else {
            throw .malformedMessage("packed at \(header.bits) bits, expected \(config.bits)")
        }
        guard header.count == config.vectorLength else {
            throw .wrongVectorLength(expected: config.vectorLength, actual: header.count)
        }
        do {
            try accumulator.withUnsafeMutableBufferPointer { (acc) throws(SecureAggError.Packing) in
                try BitPacking.accumulate(message.packed, into: acc)
            }
        } catch { throw .bitPacking(error) }
        received.insert(message.sender)
    }

    func finish() throws(SecureAggError) -> ([ConsistencyRequest], ServerR3ConsistencyCheck) {
        let required = SecurityFloor.minimumSurvivors(
            cohort: context.configuration.cohort.count, threshold: context.threshold, colluders: 0)
        guard received.count >= required else {
            throw .tooFewClients(phase: .maskedInput, available: received.count, required: required)
        }
        let survivors = received.sorted()
        let requests = survivors.map { ConsistencyRequest(round: context.round, receiver: $0, survivors: survivors) }
        let next = ServerR3ConsistencyCheck(
            context: context, advertisements: advertisements, sessionID: sessionID, sharedKeys: sharedKeys,
            accumulator: accumulator, survivors: survivors)
        return (requests, next)
    }
}
