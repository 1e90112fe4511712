import DPNoise
import SecureAgg
import Sodium

/// A client's input to one round, as the round announced it: the update is clipped, weighted, rotated, rounded
/// and noised block by block straight into the masking writer (the encoded vector never exists in full), then a
/// weighted round's example-count limbs follow at ``paddedDimension``.
///
/// The one implementation of the client's round work: the in-process clients of `simulate` and the network client
/// (`secagg-tool client`, SecAggTransport's `ClientDriver`) both write their masked input through it.
public struct ClientRoundInput: Sendable {
    /// The round (for errors).
    public let round: Int
    /// Example-count limbs of a weighted round; nil in an unweighted one.
    public let weights: ExampleCountLimbs?
    let encoder: DPEncoder

    /// The input of round `round` under the announced `encoding` and `weights`.
    /// - Throws: ``FedCoreError/encoding(_:)`` when the encoder refuses the announced parameters.
    public init(round: Int, encoding: RoundEncoding, weights: ExampleCountLimbs?) throws(FedCoreError) {
        let encoder: DPEncoder
        do { encoder = try DPEncoder(parameters: encoding) } catch { throw .encoding(error) }
        self.init(round: round, encoder: encoder, weights: weights)
    }

    init(round: Int, encoder: DPEncoder, weights: ExampleCountLimbs?) {
        self.round = round
        self.encoder = encoder
        self.weights = weights
    }

    /// Length of the encoded update (the dimension padded to whole rotation blocks); the count limbs follow it.
    public var paddedDimension: Int { encoder.paddedDimension }

    /// Time ``write(_:client:into:using:timing:)`` spent reading the update and in the masking writer (the rest
    /// of its time is encoding).
    public struct Timing: Sendable {
        public var reading = Duration.zero
        public var masking = Duration.zero
        public init() {}
    }

    /// Writes client `id`'s update from `reader` (weighted by its example count in a weighted round), then its
    /// count limbs, into `writer`, drawing rounding and noise from `rng`.
    ///
    /// - Returns: the update's scale in the sum: clip factor × FedAvg weight (1 × 1 for an update inside the
    ///   clip in an unweighted round).
    /// - Throws: ``FedCoreError/update(_:)`` when the update cannot be read, ``FedCoreError/encoding(_:)`` when
    ///   it cannot be encoded, ``FedCoreError/roundFailed(round:_:)`` when the masking writer refuses a block.
    public func write<R: SecureRandom>(
        _ reader: any ClientUpdateReader, client id: UInt32, into writer: MaskedInputWriter, using rng: inout R,
        timing: inout Timing
    ) throws(FedCoreError) -> Double {
        let (weight, countLimbs) = ExampleCountLimbs.clientInput(exampleCount: reader.exampleCount, weights: weights)
        let summary = try encode(reader, weight: weight, client: id, into: writer, using: &rng, timing: &timing)
        let start = ContinuousClock.now
        defer { timing.masking += ContinuousClock.now - start }
        do throws(SecureAggError) {
            try countLimbs.withUnsafeBufferPointer { (limbs) throws(SecureAggError) in
                try writer.write(limbs, at: encoder.paddedDimension)
            }
        } catch { throw .roundFailed(round: round, error) }
        return summary.clipFactor * weight
    }

    private func encode<R: SecureRandom>(
        _ reader: any ClientUpdateReader, weight: Double, client id: UInt32, into writer: MaskedInputWriter,
        using rng: inout R, timing: inout Timing
    ) throws(FedCoreError) -> EncodingSummary {
        do {
            return try encoder.encode(weight: weight, using: &rng) {
                (offset: Int, block: UnsafeMutableBufferPointer<Double>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { timing.reading += ContinuousClock.now - start }
                do throws(FedCoreError.Update) { try reader.read(offset: offset, into: block) } catch { throw .update(error) }
            } emitting: { (offset: Int, block: UnsafeBufferPointer<UInt32>) throws(ClientInputFailure) in
                let start = ContinuousClock.now
                defer { timing.masking += ContinuousClock.now - start }
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
private enum ClientInputFailure: Error {
    case update(FedCoreError.Update)
    case masking(SecureAggError)
}
