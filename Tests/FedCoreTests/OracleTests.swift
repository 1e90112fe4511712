import SecAggTestSupport
import Testing

/// The plain-arithmetic oracles the other tests lean on must themselves be exact (expected values by hand).
@Suite struct OracleTests {
    @Test func weightedMeanUsesWeightsClampedToOneAndMaxWeight() {
        let updates: [[Double]] = [[1, 0, -2], [3, 4, 0], [0, 8, 2], [-1, 1, 1]]
        // Raw example counts 10, 30, 500, 0 with maxWeight 100 → weights 10, 30, 100, 1.
        let average = PlainFedAvg.weightedMean(updates, rawWeights: [10, 30, 500, 0], maxWeight: 100)
        let expected: [Double] = [
            (10 * 1 + 30 * 3 + 100 * 0 + 1 * -1) / 141.0,
            (10 * 0 + 30 * 4 + 100 * 8 + 1 * 1) / 141.0,
            (10 * -2 + 30 * 0 + 100 * 2 + 1 * 1) / 141.0,
        ]
        #expect(VectorNorms.maxAbsDifference(average, expected) < 1e-12)
        // Equal weights reduce to the plain mean.
        #expect(PlainFedAvg.weightedMean(updates, rawWeights: [7, 7, 7, 7], maxWeight: 100) == PlainFedAvg.mean(updates))
        #expect(PlainFedAvg.mean(updates) == [0.75, 3.25, 0.25])
    }

    @Test func normsAreExactOnKnownVectorsAndClippingBoundsTheNorm() {
        #expect(VectorNorms.l2Norm([3, 4]) == 5)
        #expect(VectorNorms.l2Norm([]) == 0)
        #expect(VectorNorms.l2Norm([1e200, 1e200]) == 1e200 * 2.0.squareRoot())  // no overflow
        #expect(VectorNorms.l2Distance([1, 1], [4, 5]) == 5)
        let clipped = VectorNorms.clipped([3, 4], toNorm: 1)
        #expect(abs(VectorNorms.l2Norm(clipped) - 1) < 1e-15)
        #expect(VectorNorms.clipped([0.3, 0.4], toNorm: 1) == [0.3, 0.4])
        #expect(VectorNorms.maxAbsDifference([1, -2, 3], [1.5, 2, 3]) == 4)
    }
}
