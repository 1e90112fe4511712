import FedCore
import Foundation
import FuzzSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Input: an identity key file. `IdentityKeyFile.read` only reads from a path (it checks permissions on the
/// opened descriptor), so each input is written to one mode-0600 scratch file first. The passphrase is nil:
/// encrypted files stop at `passphraseRequired` after every field has been parsed and bounds-checked, and
/// no Argon2id derivation (seconds, hundreds of MiB) runs inside the fuzz loop.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    let path = scratchPath
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    fuzzCheck(fd >= 0, "cannot create scratch file \(path)")
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    fuzzCheck(written == bytes.count, "short write to scratch file")
    guard let (file, secretKey) = try? IdentityKeyFile.read(from: URL(fileURLWithPath: path), passphrase: nil)
    else { return 0 }
    fuzzCheck(secretKey.publicKey == file.publicKey, "secret does not match the public key")
    fuzzCheck(file.role.accepts(id: file.id), "id does not fit the role")
    return 0
}

/// One scratch file per process, in a private temporary directory.
let scratchPath: String = {
    var template = Array((NSTemporaryDirectory() + "/secagg-fuzz-keyfile-XXXXXX").utf8CString)
    let directory = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    fuzzCheck(directory != nil, "mkdtemp failed")
    return String(cString: directory!) + "/identity.json"
}()

@_cdecl("FuzzKeyFile_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc: argc, argv: argv, callback: fuzzOne)
}
