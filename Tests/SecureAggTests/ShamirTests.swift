import Sodium
import Testing

@testable import SecureAgg

@Suite struct ShamirTests {
    static func secret(_ seed: UInt64, count: Int = 32) -> SecureBytes {
        var rng = ChaChaRandom.seeded(seed)
        return rng.secureBytes(count: count)
    }

    @Test func anyThresholdSubsetReconstructsTheSecret() throws {
        var rng = ChaChaRandom.seeded(1)
        let secret = Self.secret(2)
        let shares = try Shamir.split(secret: secret, threshold: 5, shareCount: 12, using: &rng)
        #expect(shares.map(\.x) == Array(1...12))
        for trial in 0..<20 {
            var pick = ChaChaRandom.seeded(UInt64(100 + trial))
            let subset = Array(shares.shuffled(using: &pick).prefix(5 + trial % 3))
            #expect(try Shamir.reconstruct(subset, threshold: 5, secretByteCount: 32) == secret)
        }
    }

    @Test func reconstructFailsBelowThresholdWithTypedError() throws {
        var rng = ChaChaRandom.seeded(3)
        let shares = try Shamir.split(secret: Self.secret(4), threshold: 6, shareCount: 10, using: &rng)
        #expect(throws: SecureAggError.Sharing.tooFewShares(available: 5, required: 6)) {
            try Shamir.reconstruct(Array(shares.prefix(5)), threshold: 6, secretByteCount: 32)
        }
    }

    @Test func fewerSharesThanThresholdGiveAWrongSecretWhenForced() throws {
        // t − 1 shares interpolated as if t − 1 were the threshold do not yield the secret.
        var rng = ChaChaRandom.seeded(5)
        let secret = Self.secret(6, count: 21)  // 3 full chunks: any field value decodes to 21 bytes
        let shares = try Shamir.split(secret: secret, threshold: 4, shareCount: 6, using: &rng)
        let wrong = try? Shamir.reconstruct(Array(shares.prefix(3)), threshold: 3, secretByteCount: 21)
        #expect(wrong != secret)
    }

    @Test func duplicateAndZeroPointsAreRefused() throws {
        var rng = ChaChaRandom.seeded(7)
        let shares = try Shamir.split(secret: Self.secret(8), threshold: 3, shareCount: 5, using: &rng)
        #expect(throws: SecureAggError.Sharing.duplicateX(1)) {
            try Shamir.reconstruct([shares[0], shares[1], shares[0]], threshold: 3, secretByteCount: 32)
        }
        #expect(throws: SecureAggError.Sharing.zeroX) {
            try Shamir.split(secret: Self.secret(9), threshold: 2, points: [3, 0, 4], using: &rng)
        }
        #expect(throws: SecureAggError.Sharing.duplicateX(4)) {
            try Shamir.split(secret: Self.secret(9), threshold: 2, points: [4, 5, 4], using: &rng)
        }
        var bytes = [UInt8](repeating: 0, count: ShamirShare.encodedByteCount(chunkCount: 5))
        bytes[0] = 1
        bytes[5] = 5
        #expect(throws: SecureAggError.Sharing.zeroX) { try bytes.withUnsafeBytes { try ShamirShare(serialized: $0) } }
    }

    @Test func inconsistentChunkCountsAreRefused() throws {
        var rng = ChaChaRandom.seeded(10)
        let a = try Shamir.split(secret: Self.secret(11), threshold: 2, shareCount: 3, using: &rng)
        let b = try Shamir.split(secret: Self.secret(12, count: 16), threshold: 2, shareCount: 3, using: &rng)
        #expect(throws: SecureAggError.Sharing.inconsistentChunkCounts) {
            try Shamir.reconstruct([a[0], b[1]], threshold: 2, secretByteCount: 32)
        }
    }

    @Test func tamperedShareIsDetectedOrChangesTheSecret() throws {
        var rng = ChaChaRandom.seeded(13)
        let secret = Self.secret(14)
        let shares = try Shamir.split(secret: secret, threshold: 3, shareCount: 5, using: &rng)
        let encoded = shares[1].serialized()
        var raw = encoded.withUnsafeBytes { Array($0) }
        raw[ShamirShare.headerByteCount] ^= 1
        let tampered = try ShamirShare(serialized: SecureBytes(copying: raw))
        let result = Result { () throws(SecureAggError.Sharing) in
            try Shamir.reconstruct([shares[0], tampered, shares[2]], threshold: 3, secretByteCount: 32)
        }
        switch result {
        case .success(let value): #expect(value != secret)
        case .failure(let error): #expect(error == .reconstructionOutOfRange)
        }
    }

    @Test func malformedEncodingsAreRefused() throws {
        var rng = ChaChaRandom.seeded(15)
        let share = try Shamir.split(secret: Self.secret(16), threshold: 2, shareCount: 2, using: &rng)[0]
        let good = share.serialized().withUnsafeBytes { Array($0) }
        #expect(try ShamirShare(serialized: SecureBytes(copying: good)) == share)
        var badVersion = good
        badVersion[0] = 2
        #expect(throws: SecureAggError.Sharing.unsupportedVersion(2)) {
            try ShamirShare(serialized: SecureBytes(copying: badVersion))
        }
        #expect(throws: SecureAggError.Sharing.malformedEncoding("length does not match chunk count")) {
            try ShamirShare(serialized: SecureBytes(copying: good.dropLast()))
        }
        var unreduced = good
        for i in 0..<8 { unreduced[ShamirShare.headerByteCount + i] = 0xFF }
        #expect(throws: SecureAggError.Sharing.malformedEncoding("element not reduced")) {
            try ShamirShare(serialized: SecureBytes(copying: unreduced))
        }
        #expect(throws: SecureAggError.Sharing.malformedEncoding("shorter than header")) {
            try ShamirShare(serialized: SecureBytes(copying: [1, 2]))
        }
    }

    @Test(arguments: 0..<12)
    func randomThresholdAndCountRoundTrip(trial: Int) throws {
        var rng = ChaChaRandom.seeded(UInt64(1000 + trial))
        let n = Int(rng.next() % 40) + 1
        let t = Int(rng.next() % UInt64(n)) + 1
        let length = Int(rng.next() % 64) + 1
        let secret = rng.secureBytes(count: length)
        let points = Array(Set((0..<n).map { _ in UInt32(rng.next() % 100_000) + 1 })).sorted()
        let shares = try Shamir.split(secret: secret, threshold: min(t, points.count), points: points, using: &rng)
        let subset = Array(shares.shuffled(using: &rng).prefix(min(t, points.count)))
        #expect(try Shamir.reconstruct(subset, threshold: min(t, points.count), secretByteCount: length) == secret)
    }

    @Test func fieldArithmeticMatchesWideReference() {
        var rng = ChaChaRandom.seeded(17)
        for _ in 0..<1000 {
            let a = PrimeField.random(using: &rng)
            let b = PrimeField.random(using: &rng)
            let (hi, lo) = a.multipliedFullWidth(by: b)
            let reference = PrimeField.p.dividingFullWidth((hi, lo)).remainder
            #expect(PrimeField.mul(a, b) == reference)
            if a != 0 { #expect(PrimeField.mul(a, PrimeField.inverse(a)) == 1) }
            #expect(PrimeField.add(PrimeField.sub(a, b), b) == a)
        }
    }

    /// The branch-free reduction, addition, subtraction and product (issue 15, finding 6) are exact on the
    /// values where a conditional subtraction would kick in.
    @Test func fieldArithmeticIsExactOnEdgeValues() {
        let p = PrimeField.p
        let edges: [UInt64] = [0, 1, 2, 3, p / 2, p / 2 + 1, p - 2, p - 1]
        for a in edges {
            for b in edges {
                let sum = (a + b) % p
                #expect(PrimeField.add(a, b) == sum, "\(a) + \(b)")
                #expect(PrimeField.sub(a, b) == (a >= b ? a - b : a + p - b), "\(a) − \(b)")
                let (hi, lo) = a.multipliedFullWidth(by: b)
                #expect(PrimeField.mul(a, b) == p.dividingFullWidth((hi, lo)).remainder, "\(a) · \(b)")
            }
        }
        for x: UInt64 in [0, p - 1, p, p + 1, 2 * p - 1, 2 * p, 1 << 61, (1 << 61) + 7, (1 << 62) - 1, .max] {
            #expect(PrimeField.reduce(x) == x % p, "reduce(\(x))")
        }
    }

    @Test func shareDescriptionRevealsNoValue() throws {
        var rng = ChaChaRandom.seeded(18)
        let share = try Shamir.split(secret: Self.secret(19), threshold: 1, shareCount: 1, using: &rng)[0]
        let hex = share.serialized().withUnsafeBytes { Hex.encode($0[ShamirShare.headerByteCount...]) }
        #expect(!String(reflecting: share).contains(hex))
        #expect("\(share)".contains("redacted"))
    }
}
