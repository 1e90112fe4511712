@testable import FedCore
import Sodium
import Testing

/// Weighted rounds carry each client's clamped example count as limbs after its update; the server must
/// recover the exact total from the limbs summed mod 2^b.
@Suite struct ExampleCountLimbsTests {
    @Test(arguments: [(2, 8, 1000), (10, 17, 1000), (200, 17, 1000), (200, 12, 1000), (1000, 20, 1 << 20), (3, 2, 1)])
    func summedLimbsGiveTheExactTotal(n: Int, bits: Int, maxWeight: Int) throws {
        let limbs = try ExampleCountLimbs(clients: n, bits: bits, maxWeight: maxWeight)
        #expect(n * ((1 << limbs.limbBits) - 1) < 1 << bits)  // a limb sum never wraps
        #expect(limbs.limbBits * limbs.limbCount >= String(maxWeight, radix: 2).count)  // W fits
        let rng = ChaChaRandom.seeded(UInt64(n * 131 + bits))
        let modulus = bits == 32 ? UInt64(1) << 32 : UInt64(1) << UInt64(bits)
        // Random counts (raw, some outside [1, W]) and the worst case: every client at W.
        let random = (0..<n).map { _ in Int(rng.next() % UInt64(2 * maxWeight + 2)) - 1 }
        for raw in [random, [Int](repeating: maxWeight, count: n)] {
            let clamped = raw.map { limbs.clampedCount($0) }
            #expect(clamped.allSatisfy { (1...maxWeight).contains($0) })
            var sum = [UInt32](repeating: 0, count: limbs.limbCount)
            for c in clamped {
                let l = limbs.limbs(clampedCount: c)
                #expect(l.allSatisfy { Int($0) < 1 << limbs.limbBits })
                for j in sum.indices { sum[j] = UInt32((UInt64(sum[j]) + UInt64(l[j])) % modulus) }
            }
            #expect(try limbs.total(summedLimbs: sum, clients: n) == clamped.reduce(0, +))
        }
    }

    @Test func impossibleSettingsAndCorruptSumsAreRefused() throws {
        #expect(throws: FedCoreError.self) { try ExampleCountLimbs(clients: 256, bits: 8, maxWeight: 10) }
        #expect(throws: FedCoreError.self) { try ExampleCountLimbs(clients: 4, bits: 16, maxWeight: 0) }
        let limbs = try ExampleCountLimbs(clients: 4, bits: 8, maxWeight: 100)
        // Wrong limb count, a limb above n·(2^h − 1), a total below n (every count is ≥ 1).
        #expect(throws: FedCoreError.self) { try limbs.total(summedLimbs: [UInt32](), clients: 4) }
        let tooBig = [UInt32](repeating: UInt32(4 * ((1 << limbs.limbBits) - 1) + 1), count: limbs.limbCount)
        #expect(throws: FedCoreError.self) { try limbs.total(summedLimbs: tooBig, clients: 4) }
        #expect(throws: FedCoreError.self) {
            try limbs.total(summedLimbs: [UInt32](repeating: 0, count: limbs.limbCount), clients: 4)
        }
    }
}
