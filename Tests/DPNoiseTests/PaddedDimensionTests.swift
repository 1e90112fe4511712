import DPNoise
import Testing

/// `paddedDimension` is computed arithmetically (a RoundStart decoder evaluates it on untrusted parameters
/// before anything is allocated); it must stay the sum of `blockSizes`.
@Suite struct PaddedDimensionTests {
    static func parameters(dimension: Int, blockSize: Int) -> EncodingParameters {
        EncodingParameters(
            dimension: dimension, blockSize: blockSize, l2Clip: 1, scale: 1, bits: 16, beta: 0,
            roundSeed: [UInt8](repeating: 0, count: 32), noise: .none, maxRoundingAttempts: 1)
    }

    @Test func equalsTheSumOfTheBlockSizes() {
        for blockSize in [2, 4, 8, 64, 1024] {
            for dimension in Array(1...300) + [1023, 1024, 1025, 4097, 100_001] {
                let p = Self.parameters(dimension: dimension, blockSize: blockSize)
                #expect(p.paddedDimension == p.blockSizes.reduce(0, +), "d = \(dimension), block = \(blockSize)")
            }
        }
    }

    @Test func hugeDimensionsNeedNoBlockList() {
        // 2^31 coordinates in blocks of 2: 2^30 blocks, which the old sum over blockSizes had to allocate.
        #expect(Self.parameters(dimension: 1 << 31, blockSize: 2).paddedDimension == 1 << 31)
        #expect(Self.parameters(dimension: (1 << 31) - 1, blockSize: 2).paddedDimension == (1 << 31) - 1)  // a block of 1
        #expect(Self.parameters(dimension: (1 << 31) - 3, blockSize: 1 << 24).paddedDimension == 1 << 31)
    }
}
