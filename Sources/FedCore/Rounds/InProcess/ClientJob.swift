import SecureAgg
import Sodium

/// One simulated client answering one server message, on whichever worker thread runs it: everything it
/// touches is its own (its protocol state and generators) or read-only (the round's input, the source).
struct ClientJob {
    let message: ServerRoundMessage
    /// Nil: the client has dropped out and stays silent.
    var client: SimulatedClient?
    var reply: ClientRoundMessage?
    /// A local failure the run cannot go on from.
    var failure: FedCoreError?
    /// Clip factor × weight of the update it encoded (phase 2 only).
    var inputScale: Double?
    var reading = Duration.zero
    var encoding = Duration.zero
    var masking = Duration.zero

    init(message: ServerRoundMessage, client: SimulatedClient?) {
        self.message = message
        self.client = client
    }

    mutating func run(shared: ClientRoundInput, source: any ClientUpdateSource) {
        guard var c = client else { return }
        defer { client = c }
        switch message {
        case .roundStart: reply = try? .advertiseKeys(c.protocolState.advertiseKeys())
        case .keyBroadcast(let broadcast): reply = try? .shareKeys(c.protocolState.shareKeys(broadcast, using: &c.keys))
        case .shareBroadcast(let broadcast):
            do { reply = try maskedInput(&c, broadcast, shared: shared, source: source) } catch { failure = error }
        case .consistencyRequest(let request): reply = try? .consistencyCheck(c.protocolState.consistencyCheck(request))
        case .unmaskingRequest(let request): reply = try? .unmaskingResponse(c.protocolState.unmask(request))
        }
    }

    /// Writes the client's input through the round's ``ClientRoundInput`` (its update encoded block by block
    /// straight into its masking writer, then its count limbs). Nil: it aborted on bad shares.
    private mutating func maskedInput(
        _ c: inout SimulatedClient, _ broadcast: ShareBroadcast, shared: ClientRoundInput, source: any ClientUpdateSource
    ) throws(FedCoreError) -> ClientRoundMessage? {
        let id = broadcast.receiver
        let reader: any ClientUpdateReader
        do { reader = try source.reader(for: id) } catch { throw .update(error) }
        var rng = c.encoding
        var timing = ClientRoundInput.Timing()
        // Opening the shares and finishing the vector count as masking; the input closure's time, less reading
        // and masking, is encoding.
        let start = ContinuousClock.now
        var inputTime = Duration.zero
        defer {
            let total = ContinuousClock.now - start
            self.reading += timing.reading
            self.encoding += inputTime - timing.reading - timing.masking
            self.masking += timing.masking + total - inputTime
        }
        var scale: Double?
        let message: MaskedInput
        do throws(MaskedInputFailure<FedCoreError>) {
            message = try c.protocolState.maskedInput(shares: broadcast) { (writer) throws(FedCoreError) in
                let inputStart = ContinuousClock.now
                defer { inputTime = ContinuousClock.now - inputStart }
                scale = try shared.write(reader, client: id, into: writer, using: &rng, timing: &timing)
            }
        } catch {
            switch error {
            case .input(let e): throw e
            case .masking(let e):
                if c.protocolState.abortReason == nil { throw .roundFailed(round: shared.round, e) }  // a local input error
                return nil  // the client aborted on bad shares: it goes silent
            }
        }
        inputScale = scale ?? 0
        return .maskedInput(message)
    }
}
