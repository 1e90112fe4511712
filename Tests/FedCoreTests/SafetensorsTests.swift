import Foundation
import Testing
@testable import FedCore

@Suite struct SafetensorsTests {
    /// Values exactly representable in every float dtype (small dyadic rationals), including signed zero.
    static let exactValues: [Double] = [0, -0.0, 1, -1, 0.5, -2.25, 3.75, 100, -0.015625, 7, 0.125, -64]

    @Test(arguments: [TensorDType.f32, .f16, .bf16, .f64])
    func roundTripPreservesFloatTensorsMetadataAndCarriedThroughBytes(dtype: TensorDType) throws {
        let ids = (0..<6).flatMap { i in withUnsafeBytes(of: Int64(i * 1_000_000_007).littleEndian) { Array($0) } }
        let tensors = [
            WritableTensor(name: "w", dtype: dtype, shape: [3, 4], payload: .values(Self.exactValues)),
            WritableTensor(name: "embeddings.position_ids", dtype: .i64, shape: [1, 6], payload: .raw(Data(ids))),
            WritableTensor(name: "scalar", dtype: dtype, shape: [], payload: .values([2.5])),
            WritableTensor(name: "empty", dtype: dtype, shape: [0, 3], payload: .values([])),
        ]
        let metadata = ["format": "pt", "num_examples": "42", "quote\"and\\slash": "line\nbreak"]
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.write(tensors, metadata: metadata, to: url)

        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.metadata == metadata)
        #expect(Set(file.tensors.map(\.name)) == ["w", "embeddings.position_ids", "scalar", "empty"])
        let w = try #require(file.tensor(named: "w"))
        #expect(w.dtype == dtype && w.shape == [3, 4] && w.elementCount == 12)
        #expect(w.dataRange.count == 12 * dtype.byteSize)
        let values = try file.values(of: w)
        #expect(values == Self.exactValues)
        #expect(values[1].sign == .minus)
        #expect(try file.values(of: try #require(file.tensor(named: "scalar"))) == [2.5])
        #expect(try file.values(of: try #require(file.tensor(named: "empty"))) == [])
        let positions = try #require(file.tensor(named: "embeddings.position_ids"))
        #expect(positions.dtype == .i64 && positions.shape == [1, 6])
        #expect(file.rawBytes(of: positions) == Data(ids))
        #expect(throws: FedCoreError.Safetensors.notAFloatTensor(file: url.path, tensor: "embeddings.position_ids", dtype: "I64")) {
            try file.values(of: positions)
        }
        // The reader sees the same file whether mapped or in memory, and the header is 8-byte aligned.
        let bytes = try Data(contentsOf: url)
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } % 8 == 0)
        #expect(try SafetensorsFile(bytes: bytes, name: "copy").tensors == file.tensors)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["model.safetensors"])
    }

    @Test func narrowingRoundsToNearestEven() throws {
        // F32: 1 + 2^-24 is halfway between 1 and 1 + 2^-23 → 1.
        // F16 (10 mantissa bits): 1 + 2^-11 → 1; 1 + 3·2^-11 → 1 + 2^-9. BF16 (7 bits): 1 + 2^-8 → 1; 1 + 3·2^-8 → 1 + 2^-6.
        let cases: [(TensorDType, [Double], [Double])] = [
            (.f32, [1 + 0x1p-24, 1 + 0x1p-22 + 0x1p-24, 0.1], [1, 1 + 0x1p-22, Double(Float(0.1))]),
            (.f16, [1 + 0x1p-11, 1 + 3 * 0x1p-11, 65504, 0x1p-24, 0x1p-26], [1, 1 + 0x1p-9, 65504, 0x1p-24, 0]),
            (.bf16, [1 + 0x1p-8, 1 + 3 * 0x1p-8, -3.0e38], [1, 1 + 0x1p-6, -1.765625 * 0x1p127]),
        ]
        for (dtype, input, expected) in cases {
            let bytes = try SafetensorsWriter.encode(
                [WritableTensor(name: "t", dtype: dtype, shape: [input.count], payload: .values(input))])
            let file = try SafetensorsFile(bytes: bytes, name: "mem")
            let got = try file.values(of: file.tensors[0])
            for (g, e) in zip(got, expected) {
                #expect(abs(g - e) <= abs(e) * 1e-7, "\(dtype): got \(g), expected \(e)")
            }
        }
    }

    @Test func halfPrecisionDecodingIsExactAndEncodingInvertsIt() {
        var decodedAll = 0
        for bits in 0...UInt16.max {
            let f = HalfPrecision.floatFromF16(bits)
            if f.isNaN {
                let back = HalfPrecision.f16FromFloat(f)
                #expect(back & 0x7c00 == 0x7c00 && back & 0x03ff != 0)
                continue
            }
            #expect(HalfPrecision.f16FromFloat(f) == bits)
            let b = HalfPrecision.floatFromBF16(bits)
            if !b.isNaN { #expect(HalfPrecision.bf16FromFloat(b) == bits) }
            decodedAll += 1
        }
        #expect(decodedAll == 65536 - 2046)  // every pattern except the 2·1023 NaNs
        #expect(HalfPrecision.floatFromF16(0x3c00) == 1)
        #expect(HalfPrecision.floatFromF16(0x0001) == 0x1p-24)
        #expect(HalfPrecision.floatFromF16(0x7bff) == 65504)
        #expect(HalfPrecision.f16FromFloat(65520) == 0x7c00)  // rounds past the largest finite to +∞
        #expect(HalfPrecision.floatFromBF16(0x3f80) == 1)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func halfPrecisionAgreesWithFloat16OnSeededFloats() {
        var random = SplitMix(seed: 7)
        for _ in 0..<20_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            guard !f.isNaN else { continue }
            #expect(HalfPrecision.f16FromFloat(f) == Float16(f).bitPattern, "\(f)")
        }
    }
    #endif

    @Test func writerRefusesInconsistentTensors() {
        let ok = WritableTensor(name: "a", dtype: .f32, shape: [2], payload: .values([1, 2]))
        let bad: [(WritableTensor, String)] = [
            (WritableTensor(name: "b", dtype: .f32, shape: [3], payload: .values([1, 2])), "b"),
            (WritableTensor(name: "c", dtype: .i64, shape: [1], payload: .values([1])), "c"),
            (WritableTensor(name: "d", dtype: .i64, shape: [2], payload: .raw(Data(count: 8))), "d"),
            (WritableTensor(name: "__metadata__", dtype: .f32, shape: [1], payload: .values([1])), "__metadata__"),
            (ok, "a"),
        ]
        for (tensor, name) in bad {
            let error = #expect(throws: FedCoreError.Safetensors.self) { try SafetensorsWriter.encode([ok, tensor]) }
            guard case .invalidTensorToWrite(_, let t, _) = error else {
                Issue.record("unexpected \(String(describing: error))")
                continue
            }
            #expect(t == name)
        }
        #expect(throws: FedCoreError.Safetensors.nonFiniteValue(file: "<memory>", tensor: "h", index: 1)) {
            try SafetensorsWriter.encode([WritableTensor(name: "h", dtype: .f16, shape: [2], payload: .values([1, 70000]))])
        }
        #expect(throws: FedCoreError.Safetensors.nonFiniteValue(file: "<memory>", tensor: "n", index: 0)) {
            try SafetensorsWriter.encode([WritableTensor(name: "n", dtype: .f64, shape: [1], payload: .values([.nan]))])
        }
    }

    @Test func failedWriteLeavesExistingFileUntouched() throws {
        let directory = try TestFiles.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("m.safetensors")
        try SafetensorsWriter.write([WritableTensor(name: "a", dtype: .f32, shape: [1], payload: .values([3]))], to: url)
        let before = try Data(contentsOf: url)
        #expect(throws: FedCoreError.Safetensors.self) {
            try SafetensorsWriter.write([WritableTensor(name: "a", dtype: .f32, shape: [1], payload: .values([.infinity]))], to: url)
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["m.safetensors"])
    }

    // MARK: - Malformed files

    struct Malformed: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: Data
        /// Expected error case name and the tensor it must name (nil: no tensor involved).
        let expected: String
        let tensor: String?
        var testDescription: String { label }
    }

    static let f32x2 = TestFiles.f32Bytes([1, 2])
    static let malformed: [Malformed] = [
        Malformed(label: "shorter than the length field", bytes: Data([1, 0, 0]), expected: "truncated", tensor: nil),
        Malformed(label: "header length past the end",
                  bytes: TestFiles.safetensors(header: "{}", data: [], declaredLength: 1000), expected: "truncated", tensor: nil),
        Malformed(label: "absurd header length",
                  bytes: TestFiles.safetensors(header: "{}", data: [], declaredLength: 1 << 40), expected: "headerTooLarge", tensor: nil),
        Malformed(label: "invalid JSON", bytes: TestFiles.safetensors(header: "{\"a\": [", data: []), expected: "invalidHeader", tensor: nil),
        Malformed(label: "header not an object", bytes: TestFiles.safetensors(header: "[1,2]", data: []), expected: "invalidHeader", tensor: nil),
        Malformed(label: "header not UTF-8", bytes: TestFiles.safetensors(headerBytes: [0x7b, 0xff, 0x7d], data: []),
                  expected: "invalidHeader", tensor: nil),
        Malformed(label: "metadata value not a string",
                  bytes: TestFiles.safetensors(header: #"{"__metadata__":{"k":1}}"#, data: []), expected: "invalidHeader", tensor: nil),
        Malformed(label: "unknown dtype",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F8","shape":[2],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "unknownDType", tensor: "w"),
        Malformed(label: "missing data_offsets",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[2]}}"#, data: f32x2),
                  expected: "invalidTensorEntry", tensor: "w"),
        Malformed(label: "offsets past the data section",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: f32x2),
                  expected: "offsetsOutOfRange", tensor: "w"),
        Malformed(label: "reversed offsets",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: f32x2),
                  expected: "offsetsOutOfRange", tensor: "w"),
        Malformed(label: "overlapping tensors",
                  bytes: TestFiles.safetensors(
                    header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                    data: TestFiles.f32Bytes([1, 2, 3])),
                  expected: "overlappingTensors", tensor: "b"),
        Malformed(label: "gap between tensors",
                  bytes: TestFiles.safetensors(
                    header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#,
                    data: TestFiles.f32Bytes([1, 2, 3])),
                  expected: "gapInData", tensor: "b"),
        Malformed(label: "trailing bytes not covered",
                  bytes: TestFiles.safetensors(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: f32x2),
                  expected: "gapInData", tensor: "a"),
        Malformed(label: "shape times dtype differs from byte count",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "sizeMismatch", tensor: "w"),
        Malformed(label: "negative dimension",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "invalidShape", tensor: "w"),
        Malformed(label: "fractional dimension",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "invalidShape", tensor: "w"),
        Malformed(label: "overflowing shape",
                  bytes: TestFiles.safetensors(
                    header: #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "invalidShape", tensor: "w"),
        Malformed(label: "dimension beyond Int",
                  bytes: TestFiles.safetensors(header: #"{"w":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]}}"#, data: f32x2),
                  expected: "invalidShape", tensor: "w"),
    ]

    @Test(arguments: malformed)
    func malformedFileIsRefusedWithATypedErrorNamingFileAndTensor(_ testCase: Malformed) {
        let error = #expect(throws: FedCoreError.Safetensors.self) {
            _ = try SafetensorsFile(bytes: testCase.bytes, name: "bad.safetensors")
        }
        guard let error else { return }
        #expect(TestFiles.caseName(error) == testCase.expected, "\(error)")
        #expect(error.description.hasPrefix("bad.safetensors: "))
        if let tensor = testCase.tensor { #expect(error.description.contains("'\(tensor)'"), "\(error)") }
    }

    struct NonFinite: Sendable, CustomTestStringConvertible {
        let dtype: TensorDType
        let data: [UInt8]
        let index: Int
        var testDescription: String { "\(dtype.rawValue) index \(index)" }
    }

    @Test(arguments: [
        NonFinite(dtype: .f32, data: TestFiles.f32Bytes([1, .nan]), index: 1),
        NonFinite(dtype: .f32, data: TestFiles.f32Bytes([-.infinity, 1]), index: 0),
        NonFinite(dtype: .f16, data: [0x00, 0x3c, 0x00, 0x7c], index: 1),  // 1, +inf
        NonFinite(dtype: .bf16, data: [0xc0, 0x7f, 0x80, 0x3f], index: 0),  // NaN, 1
        NonFinite(dtype: .f64, data: withUnsafeBytes(of: Double.infinity.bitPattern.littleEndian) { Array($0) } + [UInt8](repeating: 0, count: 8), index: 0),
    ])
    func nonFiniteValuesAreRefusedWhenRead(_ testCase: NonFinite) throws {
        let header = #"{"u":{"dtype":"\#(testCase.dtype.rawValue)","shape":[2],"data_offsets":[0,\#(testCase.data.count)]}}"#
        let file = try SafetensorsFile(bytes: TestFiles.safetensors(header: header, data: testCase.data), name: "update.safetensors")
        #expect(throws: FedCoreError.Safetensors.nonFiniteValue(file: "update.safetensors", tensor: "u", index: testCase.index)) {
            try file.values(of: file.tensors[0])
        }
        #expect(try file.values(of: file.tensors[0], allowNonFinite: true).count == 2)
    }

    @Test func unreadableFileIsAnIOErrorNamingThePath() {
        let error = #expect(throws: FedCoreError.Safetensors.self) {
            _ = try SafetensorsFile(contentsOf: URL(fileURLWithPath: "/nonexistent/dir/x.safetensors"))
        }
        #expect(error.map(TestFiles.caseName) == "io")
        #expect(error?.description.contains("/nonexistent/dir/x.safetensors") == true)
    }
}

/// SplitMix64: a tiny deterministic generator for test inputs.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
