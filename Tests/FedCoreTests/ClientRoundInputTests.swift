import DPNoise
import Testing

@testable import FedCore

/// The client's round input as both the simulation and the network client build it.
@Suite struct ClientRoundInputTests {
    static func encoding(dimension: Int, bits: Int) -> EncodingParameters {
        EncodingParameters(
            dimension: dimension, blockSize: 4, l2Clip: 1, scale: 64, bits: bits, beta: 0,
            roundSeed: [UInt8](repeating: 7, count: 32), noise: .none)
    }

    @Test func theNetworkClientsUpdateReadsAsTheSimulationsDoes() throws {
        let values: [Double] = [0.5, -0.25, 0.125, 3, -0x1p-10, 0]
        let update = ClientUpdate(clientID: 1, delta: values, exampleCount: 3)
        for flat in [FlatParameters.double(values), .float(values.map { Float($0) })] {
            let reader = FlatUpdateReader(update: flat, exampleCount: 3)
            let reference = InMemoryUpdateReader(update: update)
            var got = [Double](repeating: .nan, count: 4)
            var want = [Double](repeating: .nan, count: 4)
            try got.withUnsafeMutableBufferPointer { try reader.read(offset: 2, into: $0) }
            try want.withUnsafeMutableBufferPointer { try reference.read(offset: 2, into: $0) }
            // Every value here is exact in Float, so both storages read the same doubles.
            #expect(got == want)
            #expect(reader.exampleCount == reference.exampleCount)
            #expect(throws: FedCoreError.Update.self) {
                var tooFar = [Double](repeating: 0, count: 2)
                try tooFar.withUnsafeMutableBufferPointer { try reader.read(offset: 5, into: $0) }
            }
        }
    }

    @Test func anEncodingTheEncoderRefusesIsAnEncodingError() throws {
        let encoding = Self.encoding(dimension: 6, bits: 16)
        let accepted = try ClientRoundInput(round: 1, encoding: encoding, weights: nil)
        // The count limbs go right after the encoded update: where the announced parameters say it ends.
        #expect(accepted.paddedDimension == encoding.paddedDimension && accepted.paddedDimension >= 6)
        #expect {
            _ = try ClientRoundInput(round: 1, encoding: Self.encoding(dimension: 6, bits: 0), weights: nil)
        } throws: { error in
            guard let e = error as? FedCoreError, case .encoding = e else { return false }
            return e.exitCode == 2
        }
    }
}
