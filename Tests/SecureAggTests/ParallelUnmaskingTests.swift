import Sodium
import Testing

@testable import SecureAgg

/// The server's unmasking spread over threads gives exactly the sum one thread gives, on both of its paths
/// (a long vector cut into chunks; a short one with its terms cut into groups), and the same first error.
@Suite struct ParallelUnmaskingTests {
    /// A round with clients 3, 8 and 11 gone after ShareKeys (their pairwise masks must be removed) and the
    /// server stopped just before unmasking, having received the responses of the first `answering` survivors.
    static func harness(m: Int, bits: Int, answering: Int = .max) throws -> Harness {
        let fixture = try Fixture(n: 16, degree: 8, threshold: 5, bits: bits, m: m, seed: 21)
        var harness = try Harness(fixture, seed: 31)
        try harness.advertise()
        try harness.shareKeys()
        try harness.maskInputs(skip: [3, 8, 11])
        try harness.checkConsistency()
        for id in harness.unmaskingRequests.keys.sorted().prefix(answering) {
            let message = try harness.clients[id]!.unmask(harness.unmaskingRequests[id]!)
            #expect(try harness.server.receiveUnmaskingResponse(message) == .accepted)
        }
        return harness
    }

    /// m = 40,000 words (10 chunks: cut by chunks with 2 lanes, by terms with 3 and 8) and m = 33 (by terms).
    @Test(arguments: [(40_000, 32), (33, 13)])
    func sumIsExactAndTheSameForEveryLaneCount(m: Int, bits: Int) throws {
        let harness = try Self.harness(m: m, bits: bits)
        let survivors = harness.cohort.filter { ![3, 8, 11].contains($0) }
        let expected = harness.fixture.plainSum(harness.inputs, over: survivors)
        for lanes in [1, 2, 3, 8] {
            var server = harness.server
            let result = try server.finishUnmasking(lanes: lanes)
            #expect(result.survivors == survivors)
            #expect(result.dropped == [3, 8, 11])
            #expect(result.sum == expected, "lanes \(lanes)")
        }
        var byDefault = harness.server
        #expect(try byDefault.finishUnmasking().sum == expected)
    }

    @Test func firstErrorIsTheSameForEveryLaneCount() throws {
        // Only 4 of the survivors answer: fewer than t = 5 shares for every secret; the error names the first
        // survivor in order whatever the number of threads.
        let harness = try Self.harness(m: 64, bits: 16, answering: 4)
        var errors = [SecureAggError?]()
        for lanes in [1, 2, 5] {
            var server = harness.server
            errors.append(secureAggError { _ = try server.finishUnmasking(lanes: lanes) })
        }
        guard case .tooFewShares = errors[0] else {
            Issue.record("expected tooFewShares, got \(String(describing: errors[0]))")
            return
        }
        #expect(errors[1] == errors[0])
        #expect(errors[2] == errors[0])
    }
}
