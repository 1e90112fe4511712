internal import CSodium

/// The libsodium this process is linked against (the system library, so it varies by machine).
public enum SodiumVersion {
    /// libsodium's version string, e.g. `1.0.18` (`sodium_version_string()`).
    public static var string: String { String(cString: sodium_version_string()) }
}
