import Testing
@testable import FedCore

@Suite struct FedAvgTests {
    @Test func weightedFedAvgEqualsTheWeightedMeanOfBoundedWeights() throws {
        let updates: [[Double]] = [[1, 0, -2], [3, 4, 0], [0, 8, 2], [-1, 1, 1]]
        // Raw example counts 10, 30, 500, 0 with maxWeight 100 → weights 10, 30, 100, 1.
        let average = try FedAvg.weightedMean(updates, rawWeights: [10, 30, 500, 0], maxWeight: 100)
        let expected: [Double] = [
            (10 * 1 + 30 * 3 + 100 * 0 + 1 * -1) / 141.0,
            (10 * 0 + 30 * 4 + 100 * 8 + 1 * 1) / 141.0,
            (10 * -2 + 30 * 0 + 100 * 2 + 1 * 1) / 141.0,
        ]
        #expect(VectorNorms.maxAbsDifference(average, expected) < 1e-12)
        #expect(try FedAvg.boundedWeights([10, 30, 500, 0], maxWeight: 100) == [10, 30, 100, 1])
        // Equal weights reduce to the plain mean.
        #expect(try FedAvg.weightedMean(updates, rawWeights: [7, 7, 7, 7], maxWeight: 100) == (try FedAvg.mean(updates)))
        #expect(try FedAvg.mean(updates) == [0.75, 3.25, 0.25])
    }

    @Test func serverUpdateAddsLearningRateTimesAverage() throws {
        var global: [Double] = [1, 2, 3]
        try FedAvg.apply(average: [0.5, -1, 0], to: &global, serverLearningRate: 2)
        #expect(global == [2, 0, 3])
        #expect(throws: FedAvgError.dimensionMismatch(index: 0, expected: 3, actual: 2)) {
            try FedAvg.apply(average: [1, 1], to: &global)
        }
        #expect(throws: FedAvgError.invalidLearningRate(.infinity)) {
            try FedAvg.apply(average: [1, 1, 1], to: &global, serverLearningRate: .infinity)
        }
        #expect(global == [2, 0, 3])
    }

    @Test func invalidInputsAreRefused() {
        #expect(throws: FedAvgError.noUpdates) { _ = try FedAvg.mean([]) }
        #expect(throws: FedAvgError.dimensionMismatch(index: 1, expected: 2, actual: 3)) { _ = try FedAvg.mean([[1, 2], [1, 2, 3]]) }
        #expect(throws: FedAvgError.nonFiniteValue(index: 0, coordinate: 1)) { _ = try FedAvg.mean([[1, .nan]]) }
        #expect(throws: FedAvgError.invalidMaxWeight(0.5)) { _ = try FedAvg.boundedWeights([1], maxWeight: 0.5) }
        #expect(throws: FedAvgError.self) { _ = try FedAvg.boundedWeights([-1], maxWeight: 10) }
        #expect(throws: FedAvgError.self) { _ = try FedAvg.weightedMean([[1]], rawWeights: [1, 2], maxWeight: 10) }
    }

    @Test func normsAreExactOnKnownVectorsAndClippingBoundsTheNorm() {
        #expect(VectorNorms.l2Norm([3, 4]) == 5)
        #expect(VectorNorms.l2Norm([]) == 0)
        #expect(VectorNorms.l2Norm([1e200, 1e200]) == 1e200 * 2.0.squareRoot())  // no overflow
        #expect(VectorNorms.l2Distance([1, 1], [4, 5]) == 5)
        let clipped = VectorNorms.clipped([3, 4], toNorm: 1)
        #expect(abs(VectorNorms.l2Norm(clipped) - 1) < 1e-15)
        #expect(VectorNorms.clipped([0.3, 0.4], toNorm: 1) == [0.3, 0.4])
    }
}
