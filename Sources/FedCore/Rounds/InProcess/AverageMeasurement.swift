/// Measures a recovered average block by block against the true weighted average of the survivors' clipped
/// updates, re-read block by block from their source: one block of `Double`s per step instead of full-length
/// vectors.
struct AverageMeasurement {
    private var readers: [(reader: any ClientUpdateReader, scale: Double)] = []
    private var truth: [Double]
    private var part: [Double]
    private var maxAbs = 0.0
    private var squares = 0.0
    private var readTime = Duration.zero

    /// - Parameters:
    ///   - inputScales: each survivor's clip factor × weight, as it encoded its update.
    ///   - blockSize: the largest block the decoder hands over.
    init(
        survivors: [UInt32], inputScales: [UInt32: Double], source: any ClientUpdateSource, blockSize: Int
    ) throws(FedCoreError.Update) {
        for id in survivors { readers.append((try source.reader(for: id), inputScales[id] ?? 0)) }
        truth = [Double](repeating: 0, count: max(blockSize, 1))
        part = truth
    }

    /// Compares the decoded `block` (at `offset`, model units) with the true average there; `divisor` is the
    /// round's FedAvg divisor.
    mutating func compare(_ block: UnsafeBufferPointer<Double>, at offset: Int, divisor: Double) throws(FedCoreError.Update) {
        let n = block.count
        if truth.count < n {
            truth = [Double](repeating: 0, count: n)
            part = truth
        }
        for j in 0..<n { truth[j] = 0 }
        for (reader, scale) in readers {
            let start = ContinuousClock.now
            defer { readTime += ContinuousClock.now - start }
            try part.withUnsafeMutableBufferPointer { (buffer) throws(FedCoreError.Update) in
                try reader.read(offset: offset, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<n]))
            }
            for j in 0..<n { truth[j] += scale * part[j] }
        }
        let inverse = 1 / divisor
        for j in 0..<n {
            let diff = abs(block[j] - truth[j] * inverse)
            maxAbs = max(maxAbs, diff)
            squares += diff * diff
        }
    }

    /// The maximum and root-mean-square error over `dimension` coordinates, and the time spent re-reading.
    func result(dimension: Int) -> (maxAbsError: Double, rmsError: Double, readTime: Duration) {
        (maxAbs, (squares / Double(max(dimension, 1))).squareRoot(), readTime)
    }
}
