import Foundation
import Sodium
import Testing
@testable import FedCore

@Suite struct ModelLayoutTests {
    static let base: [WritableTensor] = [
        WritableTensor(name: "a.weight", dtype: .f32, shape: [2, 3], payload: .values([1, 2, 3, 4, 5, 6])),
        WritableTensor(name: "ids", dtype: .i64, shape: [2], payload: .raw(Data([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]))),
        WritableTensor(name: "a.bias", dtype: .bf16, shape: [2], payload: .values([0.5, -0.5])),
        WritableTensor(name: "b", dtype: .f64, shape: [], payload: .values([9])),
    ]

    static func file(_ tensors: [WritableTensor], name: String = "update.safetensors") throws -> SafetensorsFile {
        try SafetensorsFile(bytes: SafetensorsWriter.encode(tensors), name: name)
    }

    @Test func layoutListsFloatTensorsInFileOrderWithContiguousOffsets() throws {
        let layout = try ModelLayout(file: try Self.file(Self.base))
        #expect(layout.entries.map(\.name) == ["a.weight", "a.bias", "b"])
        #expect(layout.entries.map(\.offset) == [0, 6, 8])
        #expect(layout.entries.map(\.count) == [6, 2, 1])
        #expect(layout.parameterCount == 9)
        #expect(try layout.flatten(try Self.file(Self.base)) == [1, 2, 3, 4, 5, 6, 0.5, -0.5, 9])
    }

    @Test func layoutHashIsBlake2bOfTheDocumentedEncoding() throws {
        let layout = try ModelLayout(tensors: [("x", .f32, [2, 3]), ("y", .bf16, [])])
        // Built by hand from Docs/formats.md.
        var expected: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { expected.append(contentsOf: $0) } }
        func str(_ s: String) { u32(UInt32(s.utf8.count)); expected.append(contentsOf: s.utf8) }
        str("secagg.model-layout.v1"); u32(2)
        str("x"); str("F32"); u32(2)
        for d: UInt64 in [2, 3] { withUnsafeBytes(of: d.littleEndian) { expected.append(contentsOf: $0) } }
        str("y"); str("BF16"); u32(0)
        #expect(layout.layoutHash == Hex.encode(Blake2b.hash(expected, outputByteCount: 32)))
        #expect(layout.layoutHash.count == 64)
    }

    @Test func layoutHashIsStableAndSensitiveToNameDtypeShapeAndOrder() throws {
        let reference = try ModelLayout(tensors: [("x", .f32, [2, 3]), ("y", .f32, [4])]).layoutHash
        #expect(try ModelLayout(tensors: [("x", .f32, [2, 3]), ("y", .f32, [4])]).layoutHash == reference)
        let variants: [[(name: String, dtype: TensorDType, shape: [Int])]] = [
            [("x", .f32, [2, 3]), ("z", .f32, [4])],
            [("x", .f16, [2, 3]), ("y", .f32, [4])],
            [("x", .f32, [3, 2]), ("y", .f32, [4])],
            [("x", .f32, [6]), ("y", .f32, [4])],
            [("y", .f32, [4]), ("x", .f32, [2, 3])],
            [("x", .f32, [2, 3])],
        ]
        var seen: Set<String> = [reference]
        for v in variants { #expect(seen.insert(try ModelLayout(tensors: v).layoutHash).inserted) }
    }

    @Test func theSameModelWrittenInAnotherOrderFlattensIdentically() throws {
        let layout = try ModelLayout(file: try Self.file(Self.base))
        let reordered = try Self.file(Self.base.reversed())
        #expect(try layout.flatten(reordered) == [1, 2, 3, 4, 5, 6, 0.5, -0.5, 9])
    }

    struct Mismatch: Sendable, CustomTestStringConvertible {
        let label: String
        let tensors: [WritableTensor]
        let mentions: String
        var testDescription: String { label }
    }

    static let mismatches: [Mismatch] = [
        Mismatch(label: "renamed tensor", tensors: [
            base[0], WritableTensor(name: "a.bias2", dtype: .bf16, shape: [2], payload: .values([0, 0])), base[3],
        ], mentions: "missing tensor 'a.bias'"),
        Mismatch(label: "changed shape", tensors: [
            WritableTensor(name: "a.weight", dtype: .f32, shape: [3, 2], payload: .values([1, 2, 3, 4, 5, 6])), base[2], base[3],
        ], mentions: "'a.weight' has shape [3, 2]"),
        Mismatch(label: "changed dtype", tensors: [
            base[0], WritableTensor(name: "a.bias", dtype: .f32, shape: [2], payload: .values([0, 0])), base[3],
        ], mentions: "'a.bias' has dtype F32"),
        Mismatch(label: "float tensor became integer", tensors: [
            base[0], WritableTensor(name: "a.bias", dtype: .i32, shape: [2], payload: .raw(Data(count: 8))), base[3],
        ], mentions: "'a.bias' has dtype I32"),
        Mismatch(label: "missing tensor", tensors: [base[0], base[2]], mentions: "missing tensor 'b'"),
        Mismatch(label: "extra tensor", tensors: base + [WritableTensor(name: "c", dtype: .f32, shape: [1], payload: .values([0]))],
                 mentions: "unexpected tensor 'c'"),
    ]

    @Test(arguments: mismatches)
    func mismatchingFileIsRefusedNamingTheFirstDifference(_ testCase: Mismatch) throws {
        let layout = try ModelLayout(file: try Self.file(Self.base))
        let other = try Self.file(testCase.tensors)
        let error = #expect(throws: FedCoreError.Layout.self) { _ = try layout.flatten(other) }
        guard case .layoutMismatch(let file, let detail) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(file == "update.safetensors")
        #expect(detail.contains(testCase.mentions), "\(detail)")
    }

    @Test func nonFiniteUpdateIsRefusedByFlatten() throws {
        let layout = try ModelLayout(file: try Self.file(Self.base))
        let header = #"{"a.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"a.bias":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},"b":{"dtype":"F64","shape":[],"data_offsets":[28,36]}}"#
        let data = TestFiles.f32Bytes([1, 2, 3, .nan, 5, 6]) + [0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let file = try SafetensorsFile(bytes: TestFiles.safetensors(header: header, data: data), name: "u")
        #expect(throws: FedCoreError.Layout.file(.nonFiniteValue(file: "u", tensor: "a.weight", index: 3))) {
            _ = try layout.flatten(file)
        }
    }

    @Test func unflattenCarriesThroughNonFloatTensorsAndRoundTrips() throws {
        let model = try Self.file(Self.base)
        let layout = try ModelLayout(file: model)
        let vector: [Double] = [6, 5, 4, 3, 2, 1, 0.25, 2, -1]
        let full = try layout.unflatten(vector, carryingThrough: model)
        #expect(full.map(\.name) == model.tensors.map(\.name))
        let written = try Self.file(full)
        #expect(try layout.flatten(written) == vector)
        let ids = try #require(written.tensor(named: "ids"))
        #expect(written.rawBytes(of: ids) == model.rawBytes(of: try #require(model.tensor(named: "ids"))))
        #expect(try layout.unflatten(vector).map(\.name) == ["a.weight", "a.bias", "b"])
        #expect(throws: FedCoreError.Layout.wrongParameterCount(expected: 9, actual: 8)) {
            _ = try layout.unflatten(Array(vector.dropLast()))
        }
    }

    @Test func flatParametersReadStraightFromTheFileEqualFlattenAndWriteBackExactly() throws {
        // F64 in the layout keeps Double; an F32/BF16/F16-only layout is read as Float (every value exact).
        let f32Only = Self.base.filter { $0.dtype != .f64 }
            + [WritableTensor(name: "h", dtype: .f16, shape: [3], payload: .values([0.125, -2, 1024]))]
        for tensors in [Self.base, f32Only] {
            let model = try Self.file(tensors)
            let layout = try ModelLayout(file: model)
            let flat = try FlatParameters(file: model, layout: layout)
            #expect(flat.doubles == (try layout.flatten(model)))
            if case .float = flat { #expect(tensors.allSatisfy { $0.dtype != .f64 }) }
            // Written tensor by tensor from the flat vector (no per-tensor copies), then read back.
            let written = try Self.file(try layout.unflatten(flat, carryingThrough: model))
            #expect(try layout.flatten(written) == flat.doubles)
            #expect(written.tensors.map(\.name) == model.tensors.map(\.name))
        }
        // A non-finite value in the file is refused with the tensor's name and index.
        let header = #"{"a.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"a.bias":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},"b":{"dtype":"F64","shape":[],"data_offsets":[28,36]}}"#
        let data = TestFiles.f32Bytes([1, 2, 3, 4, .infinity, 6]) + [0, 0, 0, 0] + [UInt8](repeating: 0, count: 8)
        let bad = try SafetensorsFile(bytes: TestFiles.safetensors(header: header, data: data), name: "u")
        let layout = try ModelLayout(file: try Self.file(Self.base))
        #expect(throws: FedCoreError.Layout.file(.nonFiniteValue(file: "u", tensor: "a.weight", index: 4))) {
            _ = try FlatParameters(file: bad, layout: layout)
        }
        // A flat range past the vector's end is refused by the writer.
        let short = WritableTensor(name: "x", dtype: .f32, shape: [4], payload: .flat(.float([1, 2, 3]), offset: 0))
        #expect(throws: FedCoreError.Safetensors.self) { _ = try SafetensorsWriter.encode([short]) }
    }

    @Test func invalidLayoutsAreRefused() throws {
        #expect(throws: FedCoreError.Layout.self) { _ = try ModelLayout(tensors: []) }
        #expect(throws: FedCoreError.Layout.self) { _ = try ModelLayout(tensors: [("a", .f32, [1]), ("a", .f32, [2])]) }
        #expect(throws: FedCoreError.Layout.self) { _ = try ModelLayout(tensors: [("a", .i64, [1])]) }
        #expect(throws: FedCoreError.Layout.self) { _ = try ModelLayout(tensors: [("a", .f32, [-1])]) }
        let onlyInts = try Self.file([Self.base[1]])
        #expect(throws: FedCoreError.Layout.self) { _ = try ModelLayout(file: onlyInts) }
    }
}
