import Foundation
import Sodium

/// The wire test vectors of Docs/wire.md ("Test vectors"), written by Scripts/generate-wire-vectors.py (an
/// independent Python implementation of the document) and checked in as JSON. Every test target reads them from
/// the source tree through this one loader (never through Python).
public enum WireVectors {
    /// The test folder whose `Resources/Vectors/` holds a vector file.
    public enum Folder: String, Sendable {
        case secureAgg = "SecureAggTests"
        case dpNoise = "DPNoiseTests"
    }

    /// Why a vector file could not be used.
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, detail: String)
        case notHex(String)

        public var description: String {
            switch self {
            case .unreadable(let path, let detail):
                "the wire vector file \(path) cannot be read or decoded (\(detail)); run Scripts/generate-wire-vectors.py --check"
            case .notHex(let text): "the wire vector value '\(text.prefix(40))' is not hex; the vector file is damaged"
            }
        }
    }

    /// Decodes `Tests/FOLDER/Resources/Vectors/NAME.json` as `T` (field names as in the file: snake_case).
    public static func load<T: Decodable>(_ name: String, as type: T.Type = T.self, in folder: Folder = .secureAgg) throws -> T {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../\(folder.rawValue)/Resources/Vectors/\(name).json").standardized
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
        } catch {
            throw Failure.unreadable(path: url.path, detail: "\(error)")
        }
    }

    /// The bytes of a hex string from a vector file.
    public static func bytes(_ hex: String) throws -> [UInt8] {
        guard let bytes = Hex.decode(hex) else { throw Failure.notHex(hex) }
        return bytes
    }
}
