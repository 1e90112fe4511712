import Foundation
import SecAggTestSupport

/// Helpers shared by FedCore tests: temporary directories and hand-built safetensors images.
enum TestFiles {
    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL { try TemporaryFiles.directory(prefix: "fedcore-tests") }

    /// A safetensors image with a literal header and data section (length field computed unless given).
    static func safetensors(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> Data {
        safetensors(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
    }

    static func safetensors(headerBytes: [UInt8], data: [UInt8], declaredLength: UInt64? = nil) -> Data {
        var out = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: data)
        return out
    }

    /// Little-endian bytes of F32 values.
    static func f32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// The enum case name of an error (e.g. "gapInData").
    static func caseName(_ error: some Error) -> String {
        Mirror(reflecting: error).children.first?.label ?? String(describing: error)
    }
}
