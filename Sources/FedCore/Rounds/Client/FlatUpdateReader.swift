/// A reader over an update held as ``FlatParameters`` (the network client's update, in its storage precision).
public struct FlatUpdateReader: ClientUpdateReader {
    public let update: FlatParameters
    public let exampleCount: Int

    /// `exampleCount` is the examples behind the update (clamped to ≥ 1 by the round's weights).
    public init(update: FlatParameters, exampleCount: Int) {
        self.update = update
        self.exampleCount = exampleCount
    }

    /// - Throws: ``FedCoreError/Update/invalidUpdate(path:detail:)`` for a block past the end of the update.
    public func read(offset: Int, into block: UnsafeMutableBufferPointer<Double>) throws(FedCoreError.Update) {
        guard offset >= 0, offset + block.count <= update.count else {
            throw .invalidUpdate(path: "the update", detail: "read past the end of the update (\(update.count) values)")
        }
        switch update {
        case .double(let v): for j in block.indices { block[j] = v[offset + j] }
        case .float(let v): for j in block.indices { block[j] = Double(v[offset + j]) }
        }
    }
}
