import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file primitives shared by the safetensors writer and the two ledgers (the server's privacy ledger
/// and a client's own ledger).
enum DurableFile {
    /// A POSIX failure: operation and `strerror` text (never file contents).
    struct Failure: Error {
        let detail: String
        init(_ operation: String) { detail = "\(operation) failed: \(String(cString: strerror(errno)))" }
        init(detail: String) { self.detail = detail }
    }

    /// Replaces `url` atomically: the content is produced by `body` (which receives a write function),
    /// written to a temporary file in the same directory, fsynced, renamed over `url`, and the directory
    /// is fsynced. On any failure the temporary file is removed and `url` is untouched.
    static func replace(
        _ url: URL, permissions: mode_t = 0o644,
        body: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw Failure("create \(temporary)") }
        var closed = false
        do {
            try body { chunk in try writeAll(fd, chunk) }
            guard fsync(fd) == 0 else { throw Failure("fsync") }
            closed = true
            guard close(fd) == 0 else { throw Failure("close") }
            guard rename(temporary, url.path) == 0 else { throw Failure("rename") }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        syncDirectory(directory)
    }

    /// Appends `line` (one complete JSON line, ending in a newline) to the file at `path` so that it is durable
    /// when the call returns: a torn tail (bytes after the last newline, left by a crash mid-append) is cut off
    /// first, so the new line starts clean; then the line is written on an `O_APPEND` descriptor (short writes
    /// retried) and the file is `fsync`ed. A crash leaves at most a torn final line, never a damaged earlier one.
    /// - Parameters:
    ///   - permissions: the mode of a file created by this call, or nil when the file must already exist.
    /// - Returns: the number of torn-tail bytes removed (0 for a clean file).
    /// - Throws: ``Failure`` naming the POSIX operation that failed (never the file's contents).
    @discardableResult
    static func appendLine(_ line: [UInt8], to path: String, creatingWith permissions: mode_t?) throws(Failure) -> Int {
        let flags = O_RDWR | O_APPEND | O_CLOEXEC | (permissions == nil ? 0 : O_CREAT)
        let fd = open(path, flags, permissions ?? 0)
        guard fd >= 0 else { throw Failure("open") }
        defer { close(fd) }
        let size = lseek(fd, 0, SEEK_END)
        guard size >= 0 else { throw Failure("lseek") }
        var end = size
        var byte: UInt8 = 0
        while end > 0 {
            guard pread(fd, &byte, 1, end - 1) == 1 else { throw Failure("pread") }
            if byte == UInt8(ascii: "\n") { break }
            end -= 1
        }
        if end < size {
            guard ftruncate(fd, end) == 0 else { throw Failure("ftruncate") }
            guard fsync(fd) == 0 else { throw Failure("fsync") }
        }
        try line.withUnsafeBytes { bytes in Result { () throws(Failure) in try writeAll(fd, bytes) } }.get()
        guard fsync(fd) == 0 else { throw Failure("fsync") }
        return Int(size - end)
    }

    /// Writes every byte of `chunk` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer) throws(Failure) {
        guard let base = chunk.baseAddress else { return }
        var written = 0
        while written < chunk.count {
            let n = write(fd, base + written, chunk.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure("write")
            }
            written += n
        }
    }

    /// Best-effort fsync of a directory so a rename or a new file survives power loss.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
