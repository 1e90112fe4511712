import Foundation

/// Scratch files for tests.
public enum TemporaryFiles {
    /// A fresh empty directory `PREFIX-UUID` under the system temporary directory; the caller removes it.
    public static func directory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
