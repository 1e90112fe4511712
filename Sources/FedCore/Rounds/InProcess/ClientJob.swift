import DPNoise
import SecureAgg
import Sodium

/// One simulated client answering one server message, on whichever worker thread runs it: everything it
/// touches is its own (its protocol state and generators) or read-only (the round's encoder, the source).
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

    mutating func run(shared: RoundInputs, source: any ClientUpdateSource) {
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

    /// Encodes the client's update block by block straight into its masking writer (no full-length encoded
    /// vector exists), then its example-count limbs in a weighted round. Nil: it aborted on bad shares.
    private mutating func maskedInput(
        _ c: inout SimulatedClient, _ broadcast: ShareBroadcast, shared: RoundInputs, source: any ClientUpdateSource
    ) throws(FedCoreError) -> ClientRoundMessage? {
        let id = broadcast.receiver
        let number = shared.round
        let reader: any ClientUpdateReader
        do { reader = try source.reader(for: id) } catch { throw .update(error) }
        let (weight, countLimbs) = ExampleCountLimbs.clientInput(exampleCount: reader.exampleCount, weights: shared.weights)
        let encoder = shared.encoder
        var rng = c.encoding
        var reading = Duration.zero
        var masking = Duration.zero
        // Opening the shares and finishing the vector count as masking; the input closure's time, less reading
        // and masking, is encoding.
        let start = ContinuousClock.now
        var inputTime = Duration.zero
        defer {
            let total = ContinuousClock.now - start
            self.reading += reading
            self.encoding += inputTime - reading - masking
            self.masking += masking + total - inputTime
        }
        var summary: EncodingSummary?
        let message: MaskedInput
        do throws(MaskedInputFailure<FedCoreError>) {
            message = try c.protocolState.maskedInput(shares: broadcast) { (writer) throws(FedCoreError) in
                let inputStart = ContinuousClock.now
                defer { inputTime = ContinuousClock.now - inputStart }
                summary = try Self.encode(
                    reader, weight: weight, encoder: encoder, into: writer, using: &rng, reading: &reading,
                    masking: &masking, round: number, client: id)
                let limbStart = ContinuousClock.now
                defer { masking += ContinuousClock.now - limbStart }
                do throws(SecureAggError) {
                    try countLimbs.withUnsafeBufferPointer { (limbs) throws(SecureAggError) in
                        try writer.write(limbs, at: encoder.paddedDimension)
                    }
                } catch { throw .roundFailed(round: number, error) }
            }
        } catch {
            switch error {
            case .input(let e): throw e
            case .masking(let e):
                if c.protocolState.abortReason == nil { throw .roundFailed(round: number, e) }  // a local input error
                return nil  // the client aborted on bad shares: it goes silent
            }
        }
        inputScale = (summary?.clipFactor ?? 0) * weight
        return .maskedInput(message)
    }

    private static func encode(
        _ reader: any ClientUpdateReader, weight: Double, encoder: DPEncoder, into writer: MaskedInputWriter,
        using rng: inout ChaChaRandom, reading: inout Duration, masking: inout Duration, round: Int, client id: UInt32
    ) throws(FedCoreError) -> EncodingSummary {
        do {
            return try encoder.encode(weight: weight, using: &rng) {
                (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { reading += ContinuousClock.now - start }
                do throws(FedCoreError.Update) { try reader.read(offset: offset, into: block) } catch { throw .update(error) }
            } emitting: { (offset: Int, block: UnsafeBufferPointer<UInt32>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { masking += ContinuousClock.now - start }
                do throws(SecureAggError) { try writer.write(block, at: offset) } catch { throw .masking(error) }
            }
        } catch {
            switch error {
            case .encoding(let e): throw .encoding(e)
            case .reader(.update(let e)): throw .update(e)
            case .reader(.masking(let e)): throw .roundFailed(round: round, e)
            case .inputChangedBetweenPasses:
                throw .update(.invalidUpdate(path: "client \(id)", detail: "update changed while it was read"))
            }
        }
    }
}

/// What can stop a client's streamed input: reading its update, or the masking writer refusing a block.
enum ClientInputFailure: Error {
    case update(FedCoreError.Update)
    case masking(SecureAggError)
}
