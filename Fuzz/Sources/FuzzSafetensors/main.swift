import FedCore
import Foundation
import FuzzSupport

/// Input: a whole safetensors file. A file that validates must also have every tensor readable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Data(fuzzInput(start, count))
    guard let file = try? SafetensorsFile(bytes: bytes, name: "fuzz") else { return 0 }
    var covered = 0
    for tensor in file.tensors {
        covered += file.rawBytes(of: tensor).count
        fuzzCheck(tensor.dataRange.count == tensor.elementCount * tensor.dtype.byteSize, "range vs shape")
        if tensor.dtype.isAggregated {
            let values = try? file.values(of: tensor, allowNonFinite: true)
            fuzzCheck(values?.count == tensor.elementCount, "float tensor not readable")
        }
    }
    fuzzCheck(file.tensors.isEmpty || covered > 0 || file.tensors.allSatisfy { $0.elementCount == 0 }, "tiling")
    return 0
}

@_cdecl("FuzzSafetensors_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
