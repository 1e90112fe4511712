@testable import DPNoise
import Foundation
import Sodium
import Testing

@Suite struct EncoderTests {
    static func seed(_ byte: UInt8) -> [UInt8] { (0..<32).map { UInt8($0) &+ byte } }

    static func parameters(
        dimension: Int, blockSize: Int = 64, clip: Double = 1, scale: Double = 1000, bits: Int = 32,
        beta: Double = 0.6065306597126334, noise: LocalNoise = .none
    ) -> EncodingParameters {
        EncodingParameters(
            dimension: dimension, blockSize: blockSize, l2Clip: clip, scale: scale, bits: bits, beta: beta,
            roundSeed: seed(7), noise: noise)
    }

    static func randomVector(_ d: Int, _ rng: inout ChaChaRandom, magnitude: Double = 1) -> [Double] {
        (0..<d).map { _ in (Double(rng.next() >> 11) / 0x1p53 * 2 - 1) * magnitude }
    }

    static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    static func clipped(_ x: [Double], _ c: Double) -> [Double] {
        let n = norm(x)
        return n > c ? x.map { $0 * c / n } : x
    }

    static func modularSum(_ vectors: [[UInt32]], bits: Int) -> [UInt32] {
        let mask = UInt64.max >> (64 - bits)
        var out = [UInt64](repeating: 0, count: vectors[0].count)
        for v in vectors { for i in v.indices { out[i] = (out[i] &+ UInt64(v[i])) & mask } }
        return out.map { UInt32($0) }
    }

    @Test(arguments: [1, 5, 64, 100, 1000])
    func paddingUsesFullBlocksAndAPowerOfTwoTail(_ d: Int) throws {
        let p = Self.parameters(dimension: d, blockSize: 64)
        let expected = (d / 64) * 64 + (d % 64 == 0 ? 0 : (d % 64 == 1 ? 1 : 1 << (64 - (d % 64 - 1).leadingZeroBitCount)))
        #expect(p.paddedDimension == expected)
        #expect(try DPEncoder(parameters: p).paddedDimension == expected)
        #expect(p.blockSizes.allSatisfy { $0.nonzeroBitCount == 1 && $0 <= 64 })
    }

    @Test(arguments: [1, 2, 37, 64, 200])
    func rotationIsOrthonormal(_ d: Int) throws {
        let p = Self.parameters(dimension: d, blockSize: 64)
        let encoder = try DPEncoder(parameters: p)
        var rng = ChaChaRandom.seeded(UInt64(d))
        var x = Self.randomVector(encoder.paddedDimension, &rng)
        let original = x
        let rotation = HadamardRotation(seed: p.roundSeed, blockSizes: p.blockSizes)
        x.withUnsafeMutableBufferPointer { rotation.forward($0) }
        #expect(abs(Self.norm(x) - Self.norm(original)) < 1e-9)
        if d > 2 { #expect(x != original) }
        x.withUnsafeMutableBufferPointer { rotation.inverse($0) }
        for i in x.indices { #expect(abs(x[i] - original[i]) < 1e-9) }
    }

    /// The rotation signs are a cross-party contract (every client and the server derive them from the public
    /// round seed): pin the first 24 for seed bytes 7, 8, …, 38.
    @Test func rotationSignsFromTheRoundSeedArePinned() {
        let rotation = HadamardRotation(seed: Self.seed(7), blockSizes: [16, 8])
        let signs = rotation.signs.map { $0 < 0 ? "-" : "+" }.joined()
        // Checked independently: bits (LSB first) of crypto_stream_chacha20_ietf(key = seed, nonce = 0).
        #expect(signs == "-++--+++------+-+--+++-+")
    }

    @Test func clippingBoundsTheNorm() throws {
        var rng = ChaChaRandom.seeded(3)
        let x = Self.randomVector(50, &rng, magnitude: 10)
        // One client, no noise, large scale: the decoded vector is the clipped input within the bound.
        let p = Self.parameters(dimension: 50, clip: 0.5, scale: 1e6)
        let encoded = try DPEncoder(parameters: p).encode(x, using: &rng)
        let decoder = try DPDecoder(parameters: p)
        let decoded = try decoder.decode(sum: encoded, count: 1)
        #expect(Self.norm(x) > 0.5)
        #expect(Self.norm(decoded) <= 0.5 + (50.0).squareRoot() * decoder.roundingErrorBound(clients: 1))
        let expected = Self.clipped(x, 0.5)
        #expect(abs(Self.norm(expected) - 0.5) < 1e-12)
        for i in 0..<50 { #expect(abs(decoded[i] - expected[i]) <= decoder.roundingErrorBound(clients: 1) + 1e-12) }
    }

    struct SumCase: Sendable {
        let dimension: Int
        let clients: Int
        let blockSize: Int
        let scale: Double
    }

    @Test(arguments: [
        SumCase(dimension: 1, clients: 3, blockSize: 64, scale: 100),
        SumCase(dimension: 10, clients: 1, blockSize: 64, scale: 50),
        SumCase(dimension: 100, clients: 7, blockSize: 32, scale: 300),
        SumCase(dimension: 257, clients: 20, blockSize: 64, scale: 1000),
        SumCase(dimension: 1024, clients: 5, blockSize: 256, scale: 20),
    ])
    func noiselessDecodingIsWithinTheProvenBound(_ c: SumCase) throws {
        let p = Self.parameters(dimension: c.dimension, blockSize: c.blockSize, scale: c.scale, bits: 20)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(UInt64(c.dimension * 31 + c.clients))
        var inputs: [[Double]] = []
        var encoded: [[UInt32]] = []
        for i in 0..<c.clients {
            let x = Self.randomVector(c.dimension, &rng, magnitude: i % 2 == 0 ? 0.01 : 1)  // some clipped, some not
            inputs.append(x)
            let e = try encoder.encode(x, using: &rng)
            #expect(e.allSatisfy { $0 < 1 << 20 })
            encoded.append(e)
        }
        let decoded = try decoder.decode(sum: Self.modularSum(encoded, bits: 20), count: Double(c.clients))
        let bound = decoder.roundingErrorBound(clients: c.clients)
        var worst = 0.0
        for j in 0..<c.dimension {
            let truth = inputs.reduce(0.0) { $0 + Self.clipped($1, 1)[j] } / Double(c.clients)
            worst = max(worst, abs(decoded[j] - truth))
        }
        #expect(worst <= bound * (1 + 1e-9), "worst \(worst) bound \(bound)")
        #expect(worst > 0)  // the rounding really happened
    }

    @Test func sumsThatWrapModuloTwoToTheBAreStillDecodedExactly() throws {
        // b = 12: each encoded vector wraps many times mod 4096, and the sum of 40 clients passes the modulus
        // repeatedly, yet the true sum (|Σ| ≤ 40·(cs + √d)) fits in [−2^11, 2^11).
        let bits = 12
        let p = Self.parameters(dimension: 16, blockSize: 16, clip: 1, scale: 40, bits: bits)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(99)
        var inputs: [[Double]] = []
        var encoded: [[UInt32]] = []
        for _ in 0..<40 {
            let x = Self.randomVector(16, &rng, magnitude: 1)
            inputs.append(x)
            encoded.append(try encoder.encode(x, using: &rng))
        }
        // Negative coordinates are encoded near 2^12, so the plain integer sum is far outside [0, 2^12).
        let plain = encoded.reduce(0) { $0 + $1.reduce(0) { $0 + Int($1) } }
        #expect(plain > 1 << bits)
        let decoded = try decoder.decode(sum: Self.modularSum(encoded, bits: bits), count: 40)
        let bound = decoder.roundingErrorBound(clients: 40)
        for j in 0..<16 {
            let truth = inputs.reduce(0.0) { $0 + Self.clipped($1, 1)[j] } / 40
            #expect(abs(decoded[j] - truth) <= bound * (1 + 1e-9))
        }
    }

    @Test(arguments: [
        LocalNoise.discreteGaussian(varianceNumerator: 400, varianceDenominator: 1),
        LocalNoise.skellam(varianceNumerator: 400, varianceDenominator: 1),
    ])
    func decodedNoiseHasTheConfiguredCentralVariance(_ noise: LocalNoise) throws {
        // Zero inputs: the decoded output is pure (rotated) noise with per-coordinate variance
        // n·σ²_local/s² / n² = σ²_local/(n·s²) after dividing by n, plus a rounding-free signal.
        let d = 256
        let n = 8
        let s = 10.0
        let p = Self.parameters(dimension: d, blockSize: 256, scale: s, bits: 24, noise: noise)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(123)
        let zero = [Double](repeating: 0, count: d)
        var values: [Double] = []
        for _ in 0..<40 {
            let encoded = try (0..<n).map { _ in try encoder.encode(zero, using: &rng) }
            values += try decoder.decode(sum: Self.modularSum(encoded, bits: 24), count: Double(n))
        }
        let expected = Double(n) * noise.variance / (s * s) / Double(n * n)
        let m = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
        // 10 240 values (coordinates within a round are uncorrelated after the orthonormal rotation); the
        // sample variance of a near-Gaussian has sd ≈ σ²·√(2/N).
        let sd = expected * (2 / Double(values.count)).squareRoot()
        #expect(abs(variance - expected) < 6 * sd, "variance \(variance) expected \(expected)")
        #expect(abs(m) < 6 * (expected / Double(values.count)).squareRoot())
    }

    @Test func invalidInputsAreRefused() throws {
        let p = Self.parameters(dimension: 4)
        let encoder = try DPEncoder(parameters: p)
        let decoder = try DPDecoder(parameters: p)
        var rng = ChaChaRandom.seeded(1)
        #expect(throws: DPNoiseError.Encoding.dimensionMismatch(expected: 4, actual: 3)) {
            try encoder.encode([0, 0, 0], using: &rng)
        }
        #expect(throws: DPNoiseError.Encoding.nonFiniteInput(index: 2)) {
            try encoder.encode([0, 1, .nan, 0], using: &rng)
        }
        #expect(throws: DPNoiseError.Encoding.nonFiniteInput(index: 0)) {
            try encoder.encode([.infinity, 1, 0, 0], using: &rng)
        }
        #expect(throws: DPNoiseError.Encoding.dimensionMismatch(expected: 4, actual: 5)) {
            try decoder.decode(sum: [0, 0, 0, 0, 0], count: 1)
        }
        let small = Self.parameters(dimension: 4, bits: 8)
        #expect(throws: DPNoiseError.Encoding.valueOutOfRange(index: 1)) {
            try DPDecoder(parameters: small).decode(sum: [0, 256, 0, 0], count: 1)
        }
        #expect(throws: DPNoiseError.Encoding.self) { try DPDecoder(parameters: p).decode(sum: [0, 0, 0, 0], count: 0) }
        var bad = p
        bad.blockSize = 48
        #expect(throws: DPNoiseError.Encoding.self) { try DPEncoder(parameters: bad) }
        bad = p
        bad.roundSeed = [1, 2, 3]
        #expect(throws: DPNoiseError.Encoding.self) { try DPEncoder(parameters: bad) }
        bad = p
        bad.bits = 33
        #expect(throws: DPNoiseError.Encoding.self) { try DPDecoder(parameters: bad) }
        bad = p
        bad.noise = .discreteGaussian(varianceNumerator: 1, varianceDenominator: 0)
        #expect(throws: DPNoiseError.Encoding.noise(.zeroDenominator)) { try DPEncoder(parameters: bad) }
    }

    /// x = e₀ with c = 1, B = 64, s = 4: every rotated, scaled coordinate is exactly ±1/2, so ‖rounded‖² is
    /// Binomial(64, 1/2) while the bound with β → 1 is ≈ 32.01: about half the attempts fail.
    static func halfIntegerParameters(attempts: Int) -> EncodingParameters {
        var p = parameters(dimension: 64, blockSize: 64, clip: 1, scale: 4, beta: 0.999_999)
        p.maxRoundingAttempts = attempts
        return p
    }

    static let unitVector = [1.0] + [Double](repeating: 0, count: 63)

    @Test func singleAttemptRoundingFailsWithATypedErrorWhenTheNormBoundIsMissed() throws {
        let encoder = try DPEncoder(parameters: Self.halfIntegerParameters(attempts: 1))
        var rng = ChaChaRandom.seeded(8)
        var failures = 0
        for _ in 0..<50 {
            do {
                _ = try encoder.encode(Self.unitVector, using: &rng)
            } catch DPNoiseError.Encoding.roundingAttemptsExhausted(let attempts) {
                #expect(attempts == 1)
                failures += 1
            }
        }
        #expect(failures > 5 && failures < 45)
    }

    @Test func conditionalRoundingMeetsTheNormBound() throws {
        let p = Self.halfIntegerParameters(attempts: 1000)
        let encoder = try DPEncoder(parameters: p)
        var rng = ChaChaRandom.seeded(9)
        #expect(abs(p.roundedNormBoundSquared - 32) < 0.02)
        for _ in 0..<50 {
            let encoded = try encoder.encode(Self.unitVector, using: &rng)
            let modulus = Int64(1) << p.bits
            let squared = encoded.reduce(0.0) { acc, v in
                let lifted = Int64(v) >= modulus / 2 ? Int64(v) - modulus : Int64(v)
                return acc + Double(lifted * lifted)
            }
            #expect(squared <= p.roundedNormBoundSquared)
        }
    }

    @Test func parametersRoundTripThroughCodable() throws {
        let p = Self.parameters(dimension: 9, noise: .skellam(varianceNumerator: 3, varianceDenominator: 2))
        let data = try JSONEncoder().encode(p)
        #expect(try JSONDecoder().decode(EncodingParameters.self, from: data) == p)
    }
}

