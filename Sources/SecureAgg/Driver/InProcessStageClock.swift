/// Wall-clock time an ``InProcessRound`` spent in its heavy stages (for benchmarks; no secrets).
/// Not thread-safe: one clock per round, read after the round returns.
public final class InProcessStageClock {
    /// Clients masking and packing their inputs (phase 2).
    public var mask: Duration = .zero
    /// The server validating masked inputs and adding them to its accumulator (phase 2).
    public var sum: Duration = .zero
    /// The server reconstructing seeds and removing the masks from the sum (phase 4).
    public var unmask: Duration = .zero

    public init() {}
}
