import SecureAgg
import Sodium

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU seconds consumed by the calling thread.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Wall-clock seconds of `body`.
func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Peak resident set size (VmHWM from /proc/self/status; 0 where unavailable).
func peakRSSMegabytes() -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            let digits = text.filter(\.isNumber)
            return (Double(digits) ?? 0) / 1024
        }
    }
    return 0
}

/// Wall time of raw keystream generation of `words` words (one run).
func rawKeystreamSeconds(words: Int) -> Double {
    var rng = ChaChaRandom.seeded(424242)
    let seed = MaskSeed.random(using: &rng)
    return wallSeconds { MaskExpansion.rawKeystreamBaseline(words: words, seed: seed) }
}

/// Thread CPU time of raw keystream generation of `words` words (one run).
func rawKeystreamCPUSeconds(words: Int) -> Double {
    var rng = ChaChaRandom.seeded(424242)
    let seed = MaskSeed.random(using: &rng)
    let start = threadCPUSeconds()
    MaskExpansion.rawKeystreamBaseline(words: words, seed: seed)
    return threadCPUSeconds() - start
}

/// Best-of-`repetitions` ratio of `body`'s wall time to raw keystream for `words` words, the two measured
/// alternately so that load changes on a shared machine hit both alike.
func bestRatio(words: Int, repetitions: Int, _ body: () throws -> Void) rethrows -> (seconds: Double, ratio: Double) {
    var bestBody = Double.infinity
    var bestRaw = Double.infinity
    for _ in 0..<repetitions {
        bestBody = min(bestBody, try wallSeconds(body))
        bestRaw = min(bestRaw, rawKeystreamSeconds(words: words))
    }
    return (bestBody, bestBody / bestRaw)
}

enum ShamirBench {
    struct Result { let splitSeconds: Double, reconstructSeconds: Double }

    static func run(shares: Int, threshold: Int, repetitions: Int) throws -> Result {
        var rng = ChaChaRandom.seeded(7)
        let secret = rng.secureBytes(count: 32)
        var split = Double.infinity
        var reconstruct = Double.infinity
        for _ in 0..<repetitions {
            var made: [ShamirShare] = []
            split = min(
                split,
                try wallSeconds {
                    made = try Shamir.split(secret: secret, threshold: threshold, shareCount: shares, using: &rng)
                })
            var back: SecureBytes?
            reconstruct = min(
                reconstruct,
                try wallSeconds {
                    back = try Shamir.reconstruct(
                        Array(made.suffix(threshold)), threshold: threshold, secretByteCount: 32)
                })
            guard back == secret else { throw BenchFailure.wrongReconstruction }
        }
        return Result(splitSeconds: split, reconstructSeconds: reconstruct)
    }
}

enum BenchFailure: Error {
    case wrongReconstruction
    case protocolFailure(String)
}

/// A full round driven phase by phase, inputs made one client at a time (one vector alive at once).
enum BenchRound {
    struct Stats {
        var clientCPU = 0.0
        var serverCPU = 0.0
        var correct = false
        var wireBytesPerCoordinate = 0.0
        var survivors = 0
        /// (dropped client, surviving neighbour) pairs whose masks the server regenerates.
        var droppedPairs = 0
        var clientMaskSeconds = 0.0
        var clientMaskRatio = 0.0
        var serverUnmaskSeconds = 0.0
        var serverUnmaskRatio = 0.0
    }

    static func run(
        n: Int, k: Int, t: Int, bits: Int, m: Int, dropout: Double, seed: UInt64, measure: Bool
    ) throws -> Stats {
        var stats = Stats()
        var rng = ChaChaRandom.seeded(seed)
        var identities = [UInt32: Ed25519.SecretKey]()
        var registry = [UInt32: Ed25519.PublicKey]()
        for i in 1...n {
            let key = try Ed25519.SecretKey(seed: rng.secureBytes(count: 32))
            identities[UInt32(i)] = key
            registry[UInt32(i)] = key.publicKey
        }
        let config = try RoundConfiguration(
            round: 1, cohort: (1...n).map { UInt32($0) }, degree: k, threshold: t, bits: bits, vectorLength: m,
            registry: registry)
        // Dropped clients share keys, then vanish before MaskedInput (the server must unmask their pairs).
        let dropCount = Int((dropout * Double(n)).rounded())
        var order = config.cohort
        order.shuffle(using: &rng)
        let droppers = Set(order.prefix(dropCount))

        func client<T>(_ body: () throws -> T) rethrows -> T {
            let start = threadCPUSeconds()
            defer { stats.clientCPU += threadCPUSeconds() - start }
            return try body()
        }
        func server<T>(_ body: () throws -> T) rethrows -> T {
            let start = threadCPUSeconds()
            defer { stats.serverCPU += threadCPUSeconds() - start }
            return try body()
        }

        var clients = [UInt32: SecAggClient]()
        func client(of id: UInt32) throws -> SecAggClient {
            guard let c = clients[id] else { throw BenchFailure.protocolFailure("no client \(id)") }
            return c
        }
        func identity(_ id: UInt32) throws -> Ed25519.SecretKey {
            guard let key = identities[id] else { throw BenchFailure.protocolFailure("no identity \(id)") }
            return key
        }
        // One unmasking lane: CPU is read per thread (`threadCPUSeconds`), and worker threads' time would be
        // missing from the server's CPU and from the unmasking ratio.
        var srv = SecAggServer(configuration: config, unmaskingLanes: 1)
        for id in config.cohort {
            var c = try client {
                try SecAggClient(configuration: config, id: id, identity: try identity(id), using: &rng)
            }
            let ad = try client { try c.advertiseKeys() }
            clients[id] = c
            _ = try server { try srv.receiveAdvertisement(ad) }
        }
        let keyBroadcasts = try server { try srv.finishAdvertising() }
        for b in keyBroadcasts {
            var c = try client(of: b.receiver)
            let message = try client { try c.shareKeys(b, using: &rng) }
            clients[b.receiver] = c
            _ = try server { try srv.receiveShareKeys(message) }
        }
        let shareBroadcasts = try server { try srv.finishShareKeys() }
        var plainSum = [UInt32](repeating: 0, count: m)
        let mask: UInt32 = bits == 32 ? .max : (1 << UInt32(bits)) - 1
        var input = [UInt32](repeating: 0, count: m)
        var wireBytes = 0
        for b in shareBroadcasts where !droppers.contains(b.receiver) {
            input.withUnsafeMutableBytes { rng.fill($0) }
            for i in 0..<m {
                input[i] &= mask
                plainSum[i] &+= input[i]
            }
            var c = try client(of: b.receiver)
            if measure && stats.clientMaskSeconds == 0 {
                let words = (c.neighbours.count + 1) * m
                let measured = try bestRatio(words: words, repetitions: 7) {
                    var copy = c
                    _ = try copy.maskedInput(input, shares: b)
                }
                stats.clientMaskSeconds = measured.seconds
                stats.clientMaskRatio = measured.ratio
            }
            let message = try client { try c.maskedInput(input, shares: b) }
            clients[b.receiver] = c
            wireBytes = message.packed.count
            let receipt = try server { try srv.receiveMaskedInput(message) }
            guard receipt == .accepted else { throw BenchFailure.protocolFailure("masked input rejected: \(receipt)") }
        }
        stats.wireBytesPerCoordinate = Double(wireBytes) / Double(m)
        for r in try server({ try srv.finishMaskedInput() }) {
            var c = try client(of: r.receiver)
            let message = try client { try c.consistencyCheck(r) }
            clients[r.receiver] = c
            _ = try server { try srv.receiveConsistencyCheck(message) }
        }
        for r in try server({ try srv.finishConsistencyCheck() }) {
            var c = try client(of: r.receiver)
            let message = try client { try c.unmask(r) }
            clients[r.receiver] = c
            _ = try server { try srv.receiveUnmaskingResponse(message) }
        }
        if measure {
            let graph = HararyGraph(configuration: config, sessionID: keyBroadcasts.first?.sessionID ?? [])
            let survivorCount = n - droppers.count
            let pairTerms = droppers.reduce(0) { acc, d in
                acc + graph.neighbours(of: d).filter { !droppers.contains($0) }.count
            }
            stats.droppedPairs = pairTerms
            let measured = try bestRatio(words: (survivorCount + pairTerms) * m, repetitions: 3) {
                var copy = srv
                _ = try copy.finishUnmasking()
            }
            stats.serverUnmaskSeconds = measured.seconds
            stats.serverUnmaskRatio = measured.ratio
        }
        let result = try server { try srv.finishUnmasking() }
        stats.survivors = result.survivors.count
        stats.correct = result.sum == plainSum.map { $0 & mask }
        return stats
    }
}
