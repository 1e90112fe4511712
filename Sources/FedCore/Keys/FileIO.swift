import Foundation
import Sodium

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure of ``FileIO``; callers map it to their module's error type.
enum FileIOFailure: Error, Equatable {
    case exists(path: String)
    case io(path: String, operation: String, reason: String)
    case notRegular(path: String)
    case tooLarge(path: String, byteCount: Int, limit: Int)
    case looseMode(path: String, mode: UInt32)
}

/// POSIX file helpers for key material: atomic, permission-aware writes and bounded, permission-checked reads.
enum FileIO {
    /// Whether something (file, directory, dangling symlink) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Writes `bytes` to `path` atomically.
    ///
    /// A temporary file is created in the same directory with `O_CREAT|O_EXCL` and `mode` from the start (so a
    /// secret is never visible with looser permissions), written fully, `fsync`ed, then moved into place:
    /// with `force` by `rename(2)` (replacing any existing file), otherwise by `link(2)`, which fails atomically
    /// when the destination exists. The directory is `fsync`ed afterwards. The temporary file is removed on
    /// every failure path.
    static func writeAtomically(
        _ bytes: UnsafeRawBufferPointer, to path: String, mode: mode_t, force: Bool
    ) throws(FileIOFailure) {
        if !force, exists(path) { throw .exists(path: path) }
        let directory = (path as NSString).deletingLastPathComponent
        let dirForTemp = directory.isEmpty ? "." : directory
        let name = (path as NSString).lastPathComponent
        var suffix = [UInt8](repeating: 0, count: 8)
        for i in suffix.indices { suffix[i] = UInt8.random(in: 0...255) }
        let tempPath = dirForTemp + "/." + name + ".tmp-" + suffix.map { String($0, radix: 16) }.joined()

        let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(tempPath, "create") }
        var committed = false
        defer { if !committed { unlink(tempPath) } }
        do throws(FileIOFailure) {
            // umask can only clear bits; fchmod makes the final mode exactly `mode`.
            guard fchmod(fd, mode) == 0 else { throw failure(tempPath, "chmod") }
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(tempPath, "write")
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw failure(tempPath, "fsync") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure(tempPath, "close") }

        if force {
            guard rename(tempPath, path) == 0 else { throw failure(path, "rename") }
        } else if link(tempPath, path) != 0 {
            if errno == EEXIST { throw .exists(path: path) }
            // Filesystems without hard links: fall back to a checked rename.
            if exists(path) { throw .exists(path: path) }
            guard rename(tempPath, path) == 0 else { throw failure(path, "rename") }
        } else {
            unlink(tempPath)
        }
        committed = true
        let dfd = open(dirForTemp, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Reads at most `limit` bytes of the regular file at `path`.
    ///
    /// With `ownerOnly`, refuses a file whose mode grants any permission to group or others (checked with
    /// `fstat` on the opened descriptor, so the check and the read see the same file). The caller owns the
    /// returned bytes and should wipe them when they hold secrets.
    static func read(_ path: String, limit: Int, ownerOnly: Bool) throws(FileIOFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "open") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure(path, "stat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notRegular(path: path) }
        if ownerOnly, (st.st_mode & 0o077) != 0 { throw .looseMode(path: path, mode: UInt32(st.st_mode)) }
        let size = Int(st.st_size)
        guard size <= limit else { throw .tooLarge(path: path, byteCount: size, limit: limit) }
        // One spare byte past the size seen by fstat detects a file that grew while being read.
        var buffer = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        var readFailure: FileIOFailure?
        buffer.withUnsafeMutableBytes { raw in
            while filled < raw.count {
                let n = systemRead(fd, raw.baseAddress! + filled, raw.count - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    readFailure = failure(path, "read")
                    return
                }
                if n == 0 { break }
                filled += n
            }
        }
        if let readFailure {
            buffer.withUnsafeMutableBytes { secureZero($0) }
            throw readFailure
        }
        guard filled <= size else {
            buffer.withUnsafeMutableBytes { secureZero($0) }
            throw .io(path: path, operation: "read", reason: "file changed while being read")
        }
        // Shrink in place (no reallocation, so no unwiped copy is left behind).
        buffer.removeLast(buffer.count - filled)
        return buffer
    }

    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
            return Glibc.read(fd, buffer, count)
        #else
            return Darwin.read(fd, buffer, count)
        #endif
    }

    private static func failure(_ path: String, _ operation: String) -> FileIOFailure {
        .io(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
