import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the server spreads independent work over the machine's cores (`DispatchQueue.concurrentPerform`, as the
/// in-process cohort and the encoder do). Every caller writes each result to its own slot and combines the slots
/// in a fixed order afterwards, so the outcome never depends on the number of lanes or on scheduling.
enum ParallelLanes {
    /// The processors online (at least 1, at most 64).
    static let activeCores: Int = {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return Swift.max(1, Swift.min(online, 64))
    }()

    /// Calls `body(i)` for every i in 0..<count: in the calling thread alone when `lanes` ≤ 1 or `count` ≤ 1,
    /// otherwise through `DispatchQueue.concurrentPerform`, which runs the calls on at most one thread per active
    /// core (the caller's included). `body` must touch only state owned by its index.
    static func forEach(_ count: Int, lanes: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        if lanes <= 1 || count == 1 {
            for i in 0..<count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count) { i in body(i) }
    }

    /// `count` items cut into contiguous ranges, about `perLane` ranges per lane (so uneven items balance),
    /// none empty; one range when `lanes` ≤ 1.
    static func ranges(_ count: Int, lanes: Int, perLane: Int = 8) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let pieces = lanes <= 1 ? 1 : Swift.min(count, lanes * perLane)
        return (0..<pieces).map { p in (count * p / pieces)..<(count * (p + 1) / pieces) }
    }
}
