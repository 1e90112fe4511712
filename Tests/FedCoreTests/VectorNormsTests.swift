import Testing

/// The oracle helpers the other tests lean on must themselves be exact.
@Suite struct VectorNormsTests {
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
