import Testing

@testable import DPNoise

/// The fast Walsh–Hadamard transform runs its first two levels as one radix-4 pass and scales on its last level:
/// it must give bit for bit what the textbook level-by-level transform followed by the 1/√B scaling gives,
/// since clients and the server must agree on every rotated value.
@Suite struct WalshHadamardTests {
    /// Level by level, then scaled: the definition.
    static func reference(_ input: [Double]) -> [Double] {
        var x = input
        var h = 1
        while h < x.count {
            for i in stride(from: 0, to: x.count, by: 2 * h) {
                for j in i..<i + h {
                    let (a, b) = (x[j], x[j + h])
                    x[j] = a + b
                    x[j + h] = a - b
                }
            }
            h *= 2
        }
        let norm = 1 / Double(x.count).squareRoot()
        return x.map { $0 * norm }
    }

    @Test("bit-identical to the level-by-level transform", arguments: [1, 2, 4, 8, 16, 64, 1024, 4096])
    func matchesTheDefinition(size: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(size)
        let input = (0..<size).map { _ -> Double in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(Int64(bitPattern: state) >> 11) / 3.0e12
        }
        var fast = input
        fast.withUnsafeMutableBufferPointer { HadamardRotation.walshHadamard($0) }
        #expect(fast.map(\.bitPattern) == Self.reference(input).map(\.bitPattern))
    }
}
