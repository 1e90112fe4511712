import Foundation

/// Plain words for a failed file operation, in place of Foundation's error dumps ("The operation could not be
/// completed. (NSCocoaErrorDomain error 256.)"): what is wrong with the path, as a user can check it.
public enum FileErrorText {
    /// Why `path` could not be read: "no such file", "is a directory, not a file", "permission denied", or
    /// the operating system's reason for `error`.
    public static func readFailure(_ path: String, _ error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "is a directory, not a file" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return reason(error)
    }

    /// Why the directory at `path` could not be listed: "no such directory", "not a directory",
    /// "permission denied", or the operating system's reason for `error`.
    public static func directoryFailure(_ path: String, _ error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such directory" }
        if !isDirectory.boolValue { return "not a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return reason(error)
    }

    /// The operating system's reason behind `error` (its POSIX error, or Foundation's file error code) as a
    /// lower-case phrase; never a domain/code dump when a reason is known.
    public static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return posix(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileWriteOutOfSpaceError: return "no space left on the device"
            case NSFileWriteFileExistsError: return "it already exists"
            case NSFileWriteVolumeReadOnlyError: return "the volume is read-only"
            case NSFileReadTooLargeError: return "the file is too large to read"
            default: return "the file could not be read or written (file error \(ns.code))"
            }
        }
        return ns.localizedDescription
    }

    private static func posix(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
