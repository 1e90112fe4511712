import ArgumentParser

/// One vocabulary across commands: each option has one canonical spelling (Docs/cli.md) shown by `--help`;
/// an older spelling stays accepted as a hidden alias (a second, hidden `@Option`) for one release.
enum OptionAlias {
    /// Refuses a value given under both spellings.
    static func once<T>(_ canonical: T?, _ alias: T?, canonical name: String, old: String) throws {
        if canonical != nil && alias != nil {
            throw ValidationError("give \(name) once (\(old) is its old spelling)")
        }
    }
}
