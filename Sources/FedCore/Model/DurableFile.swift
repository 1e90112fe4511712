import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file primitives shared by the safetensors writer and the privacy ledger.
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

    /// Writes every byte of `chunk` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer) throws {
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
