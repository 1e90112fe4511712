import FedAudit
import FedCore
import SecAggTransport
import Sodium

/// What `secagg-tool --version` prints: the tool's version, the linked libsodium, and the version of every wire
/// and file format this build speaks (each line `name version`, so scripts can pick one out).
enum ToolVersion {
    /// The tool's own version (also recorded in audit logs as `secagg <version>`).
    static let tool = "0.1"

    /// The multi-line `--version` text (no trailing newline; ArgumentParser adds one).
    static var text: String {
        """
        secagg-tool \(tool)
        libsodium \(SodiumVersion.string)
        wire protocol \(WireProtocol.version)
        audit log format \(AuditLog.formatVersion)
        privacy ledger format \(PrivacyLedger.version)
        key file format \(IdentityKeyFile.formatVersion)
        registry format \(Registry.currentVersion)
        client policy format \(ClientPolicy.formatVersion)
        """
    }
}
