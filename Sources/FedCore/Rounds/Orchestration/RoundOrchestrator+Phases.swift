import DPNoise
import SecureAgg

extension RoundOrchestrator {
    /// Hands client `id`'s message to the server state machine. Accepted only in its phase, from a cohort
    /// member naming itself as sender; anything else is rejected with the reason, and the transport drops the
    /// client. A rejection never fails the round by itself.
    public mutating func receive(_ message: ClientRoundMessage, from id: UInt32) -> Receipt {
        guard var round = active else { return .rejected(.aborted(reason: "no round in progress")) }
        // Taken out while it changes, so the server state and the accepted list are not copied (O(n)) per message.
        active = nil
        defer { active = round }
        guard message.phase == round.phase else {
            return .rejected(.malformedMessage("a \(message.phase) message while the server collects \(round.phase)"))
        }
        guard message.sender == id else {
            return .rejected(.malformedMessage("client \(id) sent a message naming sender \(message.sender)"))
        }
        let receipt: Receipt
        do {
            switch message {
            case .advertiseKeys(let m): receipt = try round.server.receiveAdvertisement(m)
            case .shareKeys(let m): receipt = try round.server.receiveShareKeys(m)
            case .maskedInput(let m): receipt = try round.server.receiveMaskedInput(m)
            case .consistencyCheck(let m): receipt = try round.server.receiveConsistencyCheck(m)
            case .unmaskingResponse(let m): receipt = try round.server.receiveUnmaskingResponse(m)
            }
        } catch {
            return .rejected(error)
        }
        if receipt == .accepted { round.accepted.append(id) }
        return receipt
    }

    /// Ends the phase in progress: records who completed it, and returns the next phase's messages. After the
    /// consistency check it charges the round before any unmasking request exists. After unmasking it returns
    /// ``RoundStep/unmasked``.
    ///
    /// - Throws: ``FedCoreError`` (too few clients, signatures or shares; a ledger or audit write that
    ///   failed); the round is then closed as failed.
    public mutating func endPhase() throws(FedCoreError) -> RoundStep {
        guard var round = active else { throw .invalidSettings("no round in progress") }
        let number = round.open.plan.round
        do throws(FedCoreError) {
            let accepted = round.accepted.sorted()
            round.accepted = []
            let step: RoundStep
            switch round.phase {
            case .advertiseKeys:
                try recorder.phaseFinished(round.open, .advertiseKeys, clients: accepted)
                let broadcasts = try protocolStep(number) { () throws(SecureAggError) in try round.server.finishAdvertising() }
                round.phase = .shareKeys
                step = .exchange(phase: .shareKeys, messages: broadcasts.map { .keyBroadcast($0) }, expected: broadcasts.map(\.receiver))
            case .shareKeys:
                try recorder.phaseFinished(round.open, .shareKeys, clients: accepted)
                let broadcasts = try protocolStep(number) { () throws(SecureAggError) in try round.server.finishShareKeys() }
                round.phase = .maskedInput
                step = .exchange(
                    phase: .maskedInput, messages: broadcasts.map { .shareBroadcast($0) }, expected: broadcasts.map(\.receiver))
            case .maskedInput:
                let requests = try protocolStep(number) { () throws(SecureAggError) in try round.server.finishMaskedInput() }
                // The phase-2 survivors are the server's list (the one every client is asked to sign).
                try recorder.phaseFinished(round.open, .maskedInput, clients: requests.first?.survivors ?? [])
                round.phase = .consistencyCheck
                step = .exchange(
                    phase: .consistencyCheck, messages: requests.map { .consistencyRequest($0) },
                    expected: requests.map(\.receiver))
            case .consistencyCheck:
                try recorder.phaseFinished(round.open, .consistencyCheck, clients: accepted)
                // The noisy sum may be released from here on: charge the audit log and the ledger first.
                try recorder.charge(&round.open)
                let requests = try protocolStep(number) { () throws(SecureAggError) in
                    try round.server.finishConsistencyCheck()
                }
                round.phase = .unmasking
                step = .exchange(
                    phase: .unmasking, messages: requests.map { .unmaskingRequest($0) }, expected: requests.map(\.receiver))
            case .unmasking:
                round.result = try protocolStep(number) { () throws(SecureAggError) in try round.server.finishUnmasking() }
                try recorder.phaseFinished(round.open, .unmasking, clients: accepted)
                step = .unmasked
            }
            active = round
            return step
        } catch {
            active = nil
            throw recorder.fail(round.open, error: error)
        }
    }

    /// Decodes the unmasked sum block by block into the model's precision (`inspect` sees every decoded block
    /// at its offset, e.g. to measure it), then adds `lr · average` to the model and closes the round as
    /// completed. The model is unchanged when decoding fails.
    public mutating func finishRound(
        inspect: (_ offset: Int, _ block: UnsafeBufferPointer<Double>) throws(FedCoreError.Update) -> Void = { _, _ in }
    ) throws(FedCoreError) -> RoundCompletion {
        guard let round = active, let result = round.result else { throw .invalidSettings("no unmasked round") }
        active = nil
        do throws(FedCoreError) {
            let plan = round.open.plan
            let divisor = try plan.divisor(sum: result.sum, survivors: result.survivors.count)
            let decoded: DecodedAverage
            do {
                decoded = try result.sum.withUnsafeBufferPointer {
                    (sum) throws(StreamingEncodingError<FedCoreError.Update>) -> DecodedAverage in
                    try round.decoder.decodeAverage(sum: sum, divisor: divisor, precision: model, inspect: inspect)
                }
            } catch {
                switch error {
                case .encoding(let e): throw FedCoreError.encoding(e)
                case .reader(let e): throw FedCoreError.update(e)
                case .inputChangedBetweenPasses: throw FedCoreError.invalidSettings("decoding read its input twice")
                }
            }
            model.add(settings.serverLearningRate, decoded.average)
            try recorder.complete(round.open, survivors: result.survivors, outputHash: decoded.outputHash)
            return RoundCompletion(
                plan: plan, noiseMultiplier: round.open.noiseMultiplier, survivors: result.survivors, divisor: divisor,
                epsilonRound: round.open.epsilonRoundReported, epsilon: round.open.epsilonReported,
                errorBound: round.decoder.roundingErrorBound(clients: result.survivors.count, divisor: divisor),
                outputHash: decoded.outputHash, average: decoded.average)
        } catch {
            throw recorder.fail(round.open, error: error)
        }
    }

    private func protocolStep<T>(_ round: Int, _ body: () throws(SecureAggError) -> T) throws(FedCoreError) -> T {
        do { return try body() } catch { throw .roundFailed(round: round, error) }
    }
}
