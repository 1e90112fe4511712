/// Wall-clock time of one in-process round by stage (benchmarks; the stages do not overlap).
public struct RoundTimings: Sendable, Equatable {
    /// Reading (or generating, for synthetic updates) client updates: the encoder's two passes per client and
    /// the decoder's re-read of the survivors' updates to measure the error.
    public var read: Duration
    /// Clipping, rotating, rounding and noising every client's update (all clients together; reads excluded).
    public var encode: Duration
    /// Clients masking and packing their encoded vectors.
    public var mask: Duration
    /// The server adding masked vectors into its accumulator.
    public var sum: Duration
    /// The server reconstructing seeds and removing the masks.
    public var unmask: Duration
    /// Decoding the sum, measuring it against the true average and applying it to the model (reads excluded).
    public var decode: Duration
    /// The whole round (key agreement, audit and ledger writes included).
    public var total: Duration

    /// `part` as a fraction of ``total``.
    public func share(_ part: Duration) -> Double {
        let t = Self.seconds(total)
        return t > 0 ? Self.seconds(part) / t : 0
    }

    /// A duration in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
