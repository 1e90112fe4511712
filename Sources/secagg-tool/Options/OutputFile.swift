import Foundation

/// The one overwrite policy: a command never replaces an existing output file unless `--force` is given, and
/// it checks before any work starts (nothing computed is lost to a refusal at the end).
enum OutputFile {
    static func refuseExisting(_ path: String, flag: String, force: Bool) throws {
        guard !force, FileManager.default.fileExists(atPath: path) else { return }
        throw ToolFailure.badInput("\(flag) \(path) already exists; choose another path or add --force to overwrite it")
    }
}
